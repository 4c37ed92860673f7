"""Building access tokens for the tests: well-formed ones signed with any key, and hostile ones.

PyJWT (Debian's python3-jwt) signs and checks the ordinary tokens. It refuses on purpose to make
some of the hostile ones (an HMAC keyed with a PEM public key, `alg` spelt `NONE`), so those are
put together here by hand: base64url(header) "." base64url(claims) "." base64url(signature).
"""

import base64
import hashlib
import hmac
import json
import time

import jwt

from settings import JWT_AUDIENCE, JWT_ISSUER, JWT_TTL


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def segment(obj):
    """A JSON object as one base64url token segment (compact JSON, as issuers write it)."""
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def claims(username, role, agency, /, now=None, sv=1, **changes):
    """The claims a token of the server carries for this user, with `changes` applied
    (a value of None removes the claim). `sv` is the user's session version (1 for an account
    whose sessions were never ended)."""
    now = int(time.time()) if now is None else now
    out = {"iss": JWT_ISSUER, "aud": JWT_AUDIENCE, "sub": username, "role": role,
           "agency": agency, "sv": sv, "jti": f"test-{time.monotonic_ns()}", "iat": now,
           "nbf": now, "exp": now + JWT_TTL}
    for k, v in changes.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def sign(payload, key_pem, alg="RS256", headers=None):
    """A token of `payload` signed by PyJWT with `key_pem` (private PEM bytes, or a secret)."""
    return jwt.encode(payload, key_pem, algorithm=alg, headers=headers)


def assemble(header, payload, signature=b""):
    """A token from its parts, the signature given as bytes."""
    return f"{segment(header)}.{segment(payload)}.{b64url(signature)}"


def rs256_raw(header_text, payload, key_pem):
    """An RS256 token signed with `key_pem` whose header segment is `header_text` exactly (JSON
    that PyJWT would not write, such as a member given twice)."""
    algorithm = jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256)
    signing_input = f"{b64url(header_text.encode())}.{segment(payload)}"
    signature = algorithm.sign(signing_input.encode(), algorithm.prepare_key(key_pem))
    return f"{signing_input}.{b64url(signature)}"


def hs256(header, payload, secret):
    """An HS256 token keyed with `secret` (bytes), whatever the secret is."""
    signing_input = f"{segment(header)}.{segment(payload)}".encode()
    mac = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return f"{signing_input.decode()}.{b64url(mac)}"


def unsigned(header, payload):
    """A token with an empty signature (what `alg: none` means)."""
    return f"{segment(header)}.{segment(payload)}."


def parts(token):
    """(header, claims) of a token, without checking anything."""
    head, body, _ = token.split(".")
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(body))


def with_claims(token, **changes):
    """The token with its claims changed and its original signature kept (a tampered token)."""
    head, _, signature = token.split(".")
    _, payload = parts(token)
    payload.update(changes)
    return f"{head}.{segment(payload)}.{signature}"


def padded_to(size, payload, key_pem, headers=None):
    """A validly signed token of exactly `size` bytes, padded with a `pad` claim."""
    for extra in range(4):  # base64 cannot make every length: vary the header a little
        hdr = {**(headers or {}), "x": "y" * extra}
        head, body, signature = sign({**payload, "pad": ""}, key_pem, headers=hdr).split(".")
        want = size - len(head) - len(signature) - 2  # base64 characters of the claims
        unpadded = len(b64url_decode(body))
        for n in range(max(0, want * 3 // 4 - unpadded - 2), want * 3 // 4 - unpadded + 3):
            if (4 * (unpadded + n) + 2) // 3 == want:
                token = sign({**payload, "pad": "p" * n}, key_pem, headers=hdr)
                assert len(token) == size, (len(token), size)
                return token
    raise AssertionError(f"no token of exactly {size} bytes")
