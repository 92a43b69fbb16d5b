package upstream

import "fmt"

// AuthSchemes are the x-auth-scheme values for API-key credentials, as the
// seed pages list them for the operations whose page gives an enum.
var AuthSchemes = []any{"api-token", "api", "partner-api-token", "partner-api"}

// RepairAuthScheme gives the shared x-auth-scheme header parameter the
// values the seed pages list in place of the length the document states:
// 9 characters admits api-token alone, so on the 863 operations that
// use the parameter a partner key (partner-api-token) or a certificate key
// (api) would be refused. Each repair is reported.
func (d *Doc) RepairAuthScheme() {
	comps, _ := d.Root["components"].(map[string]any)
	params, _ := comps["parameters"].(map[string]any)
	for _, name := range sortedKeys(params) {
		p, _ := params[name].(map[string]any)
		if p["in"] != "header" || fmt.Sprint(p["name"]) != "x-auth-scheme" {
			continue
		}
		s, _ := p["schema"].(map[string]any)
		if s == nil || s["enum"] != nil || s["maxLength"] == nil {
			continue
		}
		delete(s, "minLength")
		delete(s, "maxLength")
		s["enum"] = append([]any(nil), AuthSchemes...)
		d.Repairs = append(d.Repairs, fmt.Sprintf("#/components/parameters/%s/schema: a length of 9 admits api-token alone; the values of the seed pages (api-token, api, partner-api-token, partner-api) instead", name))
	}
}
