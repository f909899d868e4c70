package zgw

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// jwtHeader is the JOSE header the ZGW standards prescribe.
var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// Token returns a JWT for the ZGW APIs as the standard ("Autorisatie" in the ZGW API
// standards) prescribes: HS256 over the client's secret, with the claims iss and client_id (the
// client_id), iat (now, seconds), user_id and user_representation (who acts: the collector).
func Token(clientID, secret string, now time.Time) (string, error) {
	if clientID == "" || secret == "" {
		return "", fmt.Errorf("jwt: client_id and secret are required")
	}
	claims, err := json.Marshal(map[string]any{
		"iss": clientID, "iat": now.Unix(), "client_id": clientID,
		"user_id": "zaakarchief", "user_representation": "zaakarchief collector",
	})
	if err != nil {
		return "", fmt.Errorf("jwt: %w", err)
	}
	signing := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(claims)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}
