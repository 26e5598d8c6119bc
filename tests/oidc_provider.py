"""A small OpenID Connect provider for the single sign-on tests, run by the test itself.

`http.server` on 127.0.0.1 in a thread: discovery document, an authorize endpoint that consents
at once for the configured subject, a token endpoint that checks the client secret, the code,
the redirect address and PKCE and issues an RS256 id_token signed with a key generated here with
`cryptography`, the JWKS with its public half, userinfo and an end-session endpoint. The test
bends it to misbehave: another signing key (`sign_with`), another nonce (`nonce_override`),
another audience or issuer, an expired token, userinfo about someone else, a refusal at the
authorize step (`deny`).
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "inklusio-test"
CLIENT_SECRET = "test-client-secret"
KEY_ID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class LocalProvider:
    subject: str = "sub-bob"
    claims: dict[str, Any] = field(default_factory=dict)
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    sign_with: rsa.RSAPrivateKey | None = None  # another key, same key id: a forged token
    nonce_override: str | None = None
    audience: str = CLIENT_ID  # another: a token meant for another application
    issuer_override: str | None = None  # a token from another issuer
    lifetime: int = 300  # seconds; negative: an expired token
    userinfo_subject: str | None = None  # userinfo about someone else
    discovery_reads: int = 0
    deny: bool = False
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    logouts: list[dict[str, str]] = field(default_factory=list)
    tokens_issued: int = 0

    def start(self) -> "LocalProvider":
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        public = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": KEY_ID,
                    "n": _b64(public.n),
                    "e": _b64(public.e),
                }
            ]
        }

    def authorize(self, query: dict[str, str]) -> str:
        """The address the browser is sent back to: consent is given at once."""
        redirect_uri = query["redirect_uri"]
        if self.deny:
            error = {"error": "access_denied", "state": query.get("state", "")}
            return f"{redirect_uri}?{urlencode(error)}"
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code", query
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": redirect_uri,
            "nonce": query.get("nonce"),
            "challenge": query.get("code_challenge"),
        }
        return f"{redirect_uri}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = self.codes.pop(form.get("code", ""), None)  # a code is good once
        if (
            grant is None
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        payload = {
            "iss": self.issuer_override or self.issuer,
            "sub": self.subject,
            "aud": self.audience,
            "iat": now,
            "exp": now + self.lifetime,
            "nonce": self.nonce_override or grant["nonce"],
            **self.claims,
        }
        id_token = jwt.encode(
            payload, self.sign_with or self.key, algorithm="RS256", headers={"kid": KEY_ID}
        )
        self.tokens_issued += 1
        return 200, {
            "access_token": f"access-{self.subject}",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        if authorization != f"Bearer access-{self.subject}":
            return 401, {"error": "invalid_token"}
        return 200, {"sub": self.userinfo_subject or self.subject, **self.claims}


def _handler(provider: LocalProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet test output

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                provider.discovery_reads += 1
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/authorize":
                self._redirect(provider.authorize(query))
            elif url.path == "/userinfo":
                self._json(*provider.userinfo(self.headers.get("Authorization", "")))
            elif url.path == "/logout":
                provider.logouts.append(query)
                self._redirect(query.get("post_logout_redirect_uri", provider.issuer))
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            form = {key: values[0] for key, values in parse_qs(body).items()}
            if urlsplit(self.path).path == "/token":
                self._json(*provider.token(form))
            else:
                self._json(404, {"error": "not_found"})

    return Handler
