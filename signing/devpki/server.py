"""Serves the dev PKI's TSA, OCSP responder and CRLs on loopback with certomancer's animator. TEST ONLY.

The server runs in a daemon thread of the calling process (werkzeug's threaded WSGI server), on the port fixed in
the dev PKI's state file. If that port already answers with *our* root certificate (another docintel process, or a
test session, is serving the same PKI) it is reused instead of started twice.
"""

from __future__ import annotations

import logging
import threading
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from domain.errors import SignerUnavailable

from .pki import ARCH, DevPki

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

log = logging.getLogger(__name__)

_lock = threading.Lock()
_running: dict[int, DevPkiServer] = {}


@dataclass(eq=False)
class DevPkiServer:
    pki: DevPki
    _server: BaseWSGIServer | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return self.pki.url_prefix

    @property
    def owned(self) -> bool:
        """True when this process runs the server (False: another process serves the same PKI)."""
        return self._server is not None

    def stop(self) -> None:
        with _lock:
            if self._server is not None:
                self._server.shutdown()
                self._server.server_close()
                self._server = None
            if _running.get(self.pki.port) is self:
                del _running[self.pki.port]


def ensure_dev_services(pki: DevPki) -> DevPkiServer:
    """Makes sure the dev TSA/OCSP/CRL endpoints answer on the PKI's loopback port; starts them if needed."""
    with _lock:
        current = _running.get(pki.port)
        if current is not None:
            return current
        server = DevPkiServer(pki) if _answers_with_our_root(pki) else _start(pki)
        _running[pki.port] = server
        return server


def _start(pki: DevPki) -> DevPkiServer:
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import ArchLabel
    from werkzeug.serving import WSGIRequestHandler, make_server

    class _QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:  # one line per OCSP query is noise on stderr
            pass

    class _WholeSecondAnimator(Animator):
        # NSS rejects OCSP responses whose times carry fractional seconds ("malformed response"), and certomancer
        # stamps responses with datetime.now(); whole seconds suit every client.
        def at_time(self, request):
            return super().at_time(request).replace(microsecond=0)

    animator = _WholeSecondAnimator(
        AnimatorArchStore({ArchLabel(ARCH): pki.arch}), with_web_ui=False, allow_time_override=False
    )
    app = _ocsp_get_to_post(animator)
    try:
        httpd = make_server("127.0.0.1", pki.port, app, threaded=True, request_handler=_QuietHandler)
    except OSError as exc:
        raise SignerUnavailable(
            f"dev PKI port 127.0.0.1:{pki.port} is taken by another program ({exc}); free it, or delete "
            f"{pki.directory} so a new dev PKI with a new port is generated",
            message_zh="开发测试 PKI 的本地端口被占用",
        ) from exc
    thread = threading.Thread(target=httpd.serve_forever, name="devpki-animator", daemon=True)
    thread.start()
    log.info("dev PKI (TEST ONLY) serving TSA/OCSP/CRL on %s", pki.url_prefix)
    return DevPkiServer(pki, httpd, thread)


def _ocsp_get_to_post(app):
    """RFC 6960 A.1 lets a client send a small OCSP request as ``GET {url}/{base64 of the DER}``; NSS (and so
    poppler's pdfsig) does. Certomancer's animator only takes POST, so rewrite such requests into POSTs."""
    import base64
    import io
    from urllib.parse import unquote

    prefix = f"/{ARCH}/ocsp/"

    def wrapped(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") == "GET" and path.startswith(prefix) and path.count("/") >= 4:
            label, _, encoded = path[len(prefix) :].partition("/")
            try:
                body = base64.b64decode(unquote(encoded), validate=False)
            except ValueError:
                body = b""
            environ = dict(environ)
            environ.update(
                REQUEST_METHOD="POST",
                PATH_INFO=prefix + label,
                CONTENT_TYPE="application/ocsp-request",
                CONTENT_LENGTH=str(len(body)),
            )
            environ["wsgi.input"] = io.BytesIO(body)
        return app(environ, start_response)

    return wrapped


def _answers_with_our_root(pki: DevPki) -> bool:
    # The animator serves any certificate of its architecture through the cert-repo route only when configured;
    # asking the CRL route of the root is enough: a CRL signed by our root key proves it is our PKI.
    url = f"{pki.url_prefix}/{ARCH}/crls/root/latest.crl"
    try:
        with urllib.request.urlopen(url, timeout=1.0) as resp:  # loopback only
            data = resp.read()
    except OSError:
        return False
    try:
        from asn1crypto import crl

        issued = crl.CertificateList.load(data)
        return issued.issuer == pki.root_cert.subject and _crl_signed_by(issued, pki)
    except Exception:  # anything that is not our CRL
        return False


def _crl_signed_by(issued, pki: DevPki) -> bool:
    from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

    try:
        DefaultSignatureValidator().validate_signature(
            issued["signature"].native,
            issued["tbs_cert_list"].dump(),
            pki.root_cert.public_key,
            issued["signature_algorithm"],
        )
        return True
    except Exception:
        return False
