package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"strings"
)

// maxLogoPixels bounds the logo's declared size before it is decoded, so a
// tiny file claiming to be 50000×50000 pixels cannot eat the server's memory.
const maxLogoPixels = 25_000_000

// logo is an image ready for gofpdf.
type logo struct {
	data          []byte
	kind          string // gofpdf image type: "PNG" or "JPG"
	width, height int    // pixels
}

// prepareLogo checks the logo bytes and returns them in a form gofpdf can
// embed. gofpdf only reads a JPEG's header (a truncated file would be
// embedded and break in the viewer) and rejects 16-bit or interlaced PNGs,
// so the image is fully decoded here first and such PNGs are re-encoded as
// plain 8-bit ones. The declared type is only a hint: the bytes decide.
func prepareLogo(data []byte, declared string) (*logo, error) {
	switch strings.ToLower(strings.TrimPrefix(declared, ".")) {
	case "", "png", "jpg", "jpeg", "image/png", "image/jpeg":
	default:
		return nil, fmt.Errorf("pdf: logo type %q is not supported (use png or jpg)", declared)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("pdf: logo: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxLogoPixels {
		return nil, fmt.Errorf("pdf: logo is %d×%d pixels; at most %d pixels are allowed", cfg.Width, cfg.Height, maxLogoPixels)
	}
	l := &logo{data: data, width: cfg.Width, height: cfg.Height}
	switch format {
	case "jpeg":
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("pdf: logo: %w", err)
		}
		l.kind = "JPG"
	case "png":
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("pdf: logo: %w", err)
		}
		l.kind = "PNG"
		if pngNeedsReencode(data) {
			rgba := image.NewNRGBA(img.Bounds())
			draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
			var buf bytes.Buffer
			if err := png.Encode(&buf, rgba); err != nil {
				return nil, fmt.Errorf("pdf: logo: %w", err)
			}
			l.data = buf.Bytes()
		}
	default:
		return nil, errors.New("pdf: logo must be a PNG or JPEG image")
	}
	return l, nil
}

// pngNeedsReencode reports whether the PNG's header asks for something
// gofpdf cannot embed: 16 bits per sample or Adam7 interlacing. The IHDR
// chunk is always first, so the fields sit at fixed offsets.
func pngNeedsReencode(data []byte) bool {
	const bitDepth, interlace = 24, 28
	if len(data) <= interlace {
		return true
	}
	return data[bitDepth] > 8 || data[interlace] != 0
}
