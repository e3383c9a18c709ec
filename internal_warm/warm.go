// Package warm imports every dependency so the module cache and build cache get filled.
package warm

import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/crewjam/saml"
	_ "github.com/cucumber/godog"
	_ "github.com/gavv/httpexpect/v2"
	_ "github.com/gin-gonic/gin"
	_ "github.com/ory/dockertest/v3"
	_ "github.com/russellhaering/gosaml2"
	_ "github.com/russellhaering/goxmldsig"
	_ "github.com/scim2/filter-parser/v2"
	_ "github.com/spf13/cobra"
	_ "gopkg.in/yaml.v3"
	_ "modernc.org/sqlite"
)
