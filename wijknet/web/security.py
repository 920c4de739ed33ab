"""HTTP security headers and cookie settings shared by the node and the hub.

Written here rather than taken from Flask-Talisman: it is a dozen lines, and
Talisman's HTTPS redirect and nonce machinery would fight the demo's plain
http://127.0.0.1 and the strict `script-src 'self'` policy we want.
"""

from __future__ import annotations

from flask import Flask, Response, request

# Every asset is served by the app itself (no CDN), so the policy can be strict.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def configure_cookies(app: Flask, *, secure: bool) -> None:
    """Session cookies: HttpOnly, SameSite=Lax, and Secure unless serving plain local HTTP."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        # The __Host- prefix pins the cookie to this host and path, but browsers
        # only accept it on secure cookies.
        SESSION_COOKIE_NAME="__Host-session" if secure else "session",
    )


def install_security_headers(app: Flask, *, hsts: bool) -> None:
    """Add the security headers to every answer."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if hsts and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if request.path.startswith("/api/") or response.mimetype == "text/html":
            # Personal data must not linger in shared caches or the browser's history.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
