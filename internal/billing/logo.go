package billing

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder for logos
	_ "image/png"  // registers the PNG decoder for logos

	"github.com/vadesk/vadesk/internal/apperr"
	"github.com/vadesk/vadesk/internal/practice"
	"gorm.io/gorm"
)

// MaxLogoBytes bounds a logo upload: plenty for a crisp logo on A4, small
// enough to embed in every PDF and export without thought.
const MaxLogoBytes = 512 << 10

// MaxLogoSide bounds each side of a logo in pixels, so a small file that
// declares a huge image cannot make decoding it eat the server's memory.
const MaxLogoSide = 2000

// CheckLogo reports why data cannot be a practice's logo, and otherwise its
// type ("png" or "jpeg"). The bytes decide, not the name or content type;
// the whole image is decoded, because a truncated file whose header is fine
// would otherwise break every PDF printed with it.
func CheckLogo(data []byte) (string, error) {
	if len(data) == 0 {
		return "", apperr.Invalid("logo", "is empty")
	}
	if len(data) > MaxLogoBytes {
		return "", apperr.Invalid("logo", fmt.Sprintf("must be at most %d KiB", MaxLogoBytes>>10))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return "", apperr.Invalid("logo", "must be a PNG or JPEG image")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return "", apperr.Invalid("logo", fmt.Sprintf("must be at most %d×%d pixels (this one is %d×%d)", MaxLogoSide, MaxLogoSide, cfg.Width, cfg.Height))
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return "", apperr.Invalid("logo", "is a damaged or incomplete image")
	}
	return format, nil
}

// SetLogo makes an image the logo printed on the practice's invoices.
func (s *Service) SetLogo(ctx context.Context, data []byte) error {
	kind, err := CheckLogo(data)
	if err != nil {
		return err
	}
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		return tx.Model(&practice.Practice{}).Where("1 = 1").
			Updates(map[string]any{"logo": data, "logo_type": kind, "updated_at": s.st.Now()}).Error
	})
}

// DeleteLogo removes the practice's logo; invoices print without one.
func (s *Service) DeleteLogo(ctx context.Context) error {
	return s.st.Tx(ctx, func(tx *gorm.DB) error {
		return tx.Model(&practice.Practice{}).Where("1 = 1").
			Updates(map[string]any{"logo": nil, "logo_type": "", "updated_at": s.st.Now()}).Error
	})
}
