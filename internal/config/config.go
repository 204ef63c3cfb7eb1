// Package config reads vadesk's settings from the environment. The variable
// names are a public contract (DESIGN.md); flags may override them.
package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server needs to start.
type Config struct {
	Addr           string         // VADESK_ADDR
	DB             string         // VADESK_DB
	BaseURL        string         // VADESK_BASE_URL, e.g. https://va.example.com
	LogLevel       slog.Level     // VADESK_LOG_LEVEL: debug, info, warn, error
	Signup         bool           // VADESK_SIGNUP=open allows POST /api/v1/signup
	TrustedProxies []netip.Prefix // VADESK_TRUSTED_PROXIES: CIDRs or addresses
	SMTP           SMTP
	ShutdownGrace  time.Duration // VADESK_SHUTDOWN_TIMEOUT
	MaxBodyBytes   int64         // VADESK_MAX_BODY_BYTES
	Backup         Backup
}

// Backup schedules the server's own backups; they are off while Dir is "".
type Backup struct {
	Dir      string        // VADESK_BACKUP_DIR
	Keep     int           // VADESK_BACKUP_KEEP: how many files to keep
	Interval time.Duration // VADESK_BACKUP_INTERVAL
}

// SMTP is the optional mail relay used for portal invites.
type SMTP struct {
	Host     string // VADESK_SMTP_HOST
	Port     int    // VADESK_SMTP_PORT
	Username string // VADESK_SMTP_USERNAME
	Password string // VADESK_SMTP_PASSWORD
	From     string // VADESK_SMTP_FROM
}

// Defaults as documented in README.md.
const (
	DefaultAddr = "127.0.0.1:8080"
	DefaultDB   = "./data/vadesk.db"
)

// FromEnv reads the configuration from getenv (os.Getenv in production).
func FromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Config{
		Addr:          or(getenv("VADESK_ADDR"), DefaultAddr),
		DB:            or(getenv("VADESK_DB"), DefaultDB),
		BaseURL:       strings.TrimRight(getenv("VADESK_BASE_URL"), "/"),
		Signup:        getenv("VADESK_SIGNUP") == "open",
		ShutdownGrace: 15 * time.Second,
		MaxBodyBytes:  1 << 20,
		Backup:        Backup{Dir: getenv("VADESK_BACKUP_DIR"), Keep: 7, Interval: 24 * time.Hour},
		SMTP: SMTP{
			Host:     getenv("VADESK_SMTP_HOST"),
			Port:     587,
			Username: getenv("VADESK_SMTP_USERNAME"),
			Password: getenv("VADESK_SMTP_PASSWORD"),
			From:     getenv("VADESK_SMTP_FROM"),
		},
	}
	if err := c.LogLevel.UnmarshalText([]byte(or(getenv("VADESK_LOG_LEVEL"), "info"))); err != nil {
		return c, fmt.Errorf("config: VADESK_LOG_LEVEL: %w", err)
	}
	if v := getenv("VADESK_SMTP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p <= 0 || p > 65535 {
			return c, fmt.Errorf("config: VADESK_SMTP_PORT: %q is not a port", v)
		}
		c.SMTP.Port = p
	}
	if v := getenv("VADESK_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("config: VADESK_SHUTDOWN_TIMEOUT: %q is not a duration", v)
		}
		c.ShutdownGrace = d
	}
	if v := getenv("VADESK_MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			return c, fmt.Errorf("config: VADESK_MAX_BODY_BYTES: %q must be a number of bytes ≥ 1024", v)
		}
		c.MaxBodyBytes = n
	}
	if v := getenv("VADESK_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("config: VADESK_BACKUP_KEEP: %q must be a whole number ≥ 1", v)
		}
		c.Backup.Keep = n
	}
	if v := getenv("VADESK_BACKUP_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("config: VADESK_BACKUP_INTERVAL: %q is not a duration such as 24h", v)
		}
		c.Backup.Interval = d
	}
	for _, s := range strings.FieldsFunc(getenv("VADESK_TRUSTED_PROXIES"), func(r rune) bool { return r == ',' || r == ' ' }) {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return c, fmt.Errorf("config: VADESK_TRUSTED_PROXIES: %q is not an address or CIDR", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	return c, nil
}

// SecureCookies reports whether the UI is served over https, so cookies must
// carry the Secure flag.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
