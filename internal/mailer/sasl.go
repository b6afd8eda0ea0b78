package mailer

import (
	"errors"

	"github.com/emersion/go-sasl"
)

// loginClient is the client side of the obsolete but still common SASL LOGIN mechanism
// (draft-murchison-sasl-login). go-sasl has one, but it sends the username as an initial
// response and insists on the exact prompt "Password:"; servers differ in both, and the draft
// tells clients to ignore the prompts. So this one answers the first challenge with the
// username and the second with the password, whatever they say.
type loginClient struct {
	username, password string
	step               int
}

func newLoginClient(username, password string) sasl.Client {
	return &loginClient{username: username, password: password}
}

// Start sends no initial response: every LOGIN server asks for the username first.
func (c *loginClient) Start() (string, []byte, error) {
	return sasl.Login, nil, nil
}

func (c *loginClient) Next([]byte) ([]byte, error) {
	c.step++
	switch c.step {
	case 1:
		return []byte(c.username), nil
	case 2:
		return []byte(c.password), nil
	}
	return nil, errors.New("sasl login: unexpected third challenge")
}

// xoauth2Client is the client side of XOAUTH2, the bearer-token mechanism of Gmail and
// Microsoft 365 (not in go-sasl, which has only the standard OAUTHBEARER).
type xoauth2Client struct {
	username, token string
}

func newXOAuth2Client(username, token string) sasl.Client {
	return &xoauth2Client{username: username, token: token}
}

func (c *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + c.username + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next answers the server's only possible challenge, a JSON error report, with the empty
// response the mechanism requires; the server then fails the command with its error reply.
// The response must be empty but not nil: nil would end the exchange without answering.
func (c *xoauth2Client) Next([]byte) ([]byte, error) {
	return []byte{}, nil
}
