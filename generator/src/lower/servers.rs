//! Servers and the OAuth 2.0 scheme, and how token URLs follow servers.

use std::collections::{BTreeMap, HashSet};

use openapiv3::{ReferenceOr, SecurityScheme};

use super::Lowerer;
use crate::ir::{OAuth, Server};
use crate::names;
use crate::problem::pointer;

impl Lowerer<'_> {
    /// The spec's servers. When `oauth`'s token URL can follow them, each gets its own, and
    /// `oauth` learns the rewrite that carries it over.
    pub(super) fn lower_servers(&mut self, oauth: Option<&mut OAuth>) -> Vec<Server> {
        let mut taken = HashSet::new();
        let mut servers = Vec::new();
        for (index, server) in self.document.servers.iter().enumerate() {
            if server
                .variables
                .as_ref()
                .is_some_and(|vars| !vars.is_empty())
            {
                self.problem(
                    pointer(&["servers", &index.to_string(), "variables"]),
                    "server variables are not supported; list each server's URL on its own",
                );
                continue;
            }
            let name = server
                .description
                .clone()
                .unwrap_or_else(|| server.url.clone());
            servers.push(Server {
                variant: names::unique(names::type_name(&name), &mut taken),
                name,
                url: server.url.trim_end_matches('/').to_owned(),
                token_url: None,
            });
        }
        if let Some(oauth) = oauth {
            carry_token_url(oauth, &mut servers);
        }
        servers
    }

    /// The OAuth 2.0 scheme of `components.securitySchemes` first by name.
    pub(super) fn oauth(&self) -> Option<OAuth> {
        let schemes = &self.document.components.as_ref()?.security_schemes;
        let mut by_name: Vec<_> = schemes.iter().collect();
        by_name.sort_by(|a, b| a.0.cmp(b.0));
        by_name.into_iter().find_map(|(name, scheme)| {
            let ReferenceOr::Item(SecurityScheme::OAuth2 { flows, .. }) = scheme else {
                return None;
            };
            let mut scopes = BTreeMap::new();
            let all_scopes = [
                flows.implicit.as_ref().map(|flow| &flow.scopes),
                flows.password.as_ref().map(|flow| &flow.scopes),
                flows.client_credentials.as_ref().map(|flow| &flow.scopes),
                flows.authorization_code.as_ref().map(|flow| &flow.scopes),
            ];
            for (scope, text) in all_scopes.into_iter().flatten().flatten() {
                scopes.entry(scope.clone()).or_insert_with(|| text.clone());
            }
            let token_url = flows
                .client_credentials
                .as_ref()
                .map(|f| f.token_url.clone());
            let token_path = token_url
                .as_deref()
                .and_then(split_url)
                .map_or_else(String::new, |(_, _, path)| path.to_owned());
            Some(OAuth {
                name: name.clone(),
                token_url,
                host_rewrite: None,
                token_path,
                scopes: scopes.into_iter().collect(),
            })
        })
    }
}

/// Gives each server the token URL that goes with it, when the token URL's host and the
/// first server's host differ only in their first label (`login.example.com` and
/// `api.example.com`): then every server whose host starts with the API label gets a
/// token host with the token label.
fn carry_token_url(oauth: &mut OAuth, servers: &mut [Server]) {
    let Some(token_url) = oauth.token_url.clone() else {
        return;
    };
    let Some((scheme, token_host, path)) = split_url(&token_url) else {
        return;
    };
    let Some((_, first_host, _)) = servers.first().and_then(|server| split_url(&server.url)) else {
        return;
    };
    let (Some((token_label, token_rest)), Some((api_label, api_rest))) =
        (token_host.split_once('.'), first_host.split_once('.'))
    else {
        return;
    };
    if token_rest != api_rest || token_label == api_label {
        return;
    }
    let (from, to) = (format!("{api_label}."), format!("{token_label}."));
    for server in servers.iter_mut() {
        let host = split_url(&server.url).map(|(_, host, _)| host.to_owned());
        server.token_url = host
            .and_then(|host| host.strip_prefix(&from).map(str::to_owned))
            .map(|rest| format!("{scheme}://{to}{rest}{path}"));
    }
    oauth.host_rewrite = Some((from, to));
}

/// A URL's scheme, host (with any port) and path.
fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let (host, path) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
    Some((scheme, host, path))
}

#[cfg(test)]
mod tests {
    use super::split_url;

    #[test]
    fn urls_split_into_scheme_host_and_path() {
        assert_eq!(
            split_url("https://login.example.com/oauth/token"),
            Some(("https", "login.example.com", "/oauth/token"))
        );
        assert_eq!(
            split_url("http://127.0.0.1:8080"),
            Some(("http", "127.0.0.1:8080", ""))
        );
        assert_eq!(split_url("/relative"), None);
    }
}
