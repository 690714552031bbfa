"""The HTTP request and webhook actions of workflows (components.py `socdesk_http`), as pure
functions of their parameters and the operator's limits: nothing here touches the store.

What a workflow may reach is the operator's to say (docs/configuration.md):
- the URL's host must be in the allow-list (`SOCDESK_AUTOMATION_HTTP_ALLOWED_HOSTS`): a name
  (`hooks.example.com`), a wildcard (`*.example.com`, or `*` for any host), an address or a
  range (`203.0.113.7`, `10.0.0.0/8`);
- an address that is not public (private, loopback, link-local, cloud metadata, shared,
  reserved, multicast) is refused unless the host is listed by its exact name, or the address
  or a range holding it is listed: a wildcard never reaches one;
- the name is resolved once, every address it gives is checked, and the connection goes to the
  checked address (the Host header and TLS name stay the URL's), so a DNS answer that changes
  between the check and the connection (DNS rebinding) cannot move the call;
- redirects are followed only to URLs that pass the same checks, at most `max_redirects`;
- the whole call (resolution, connection, every redirect, the response) has a wall-clock
  timeout, and a response body over `max_response_bytes` fails the call.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Headers the call sets itself: the checked connection's, never the workflow's.
RESERVED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer"}
)
MAX_URL_LENGTH = 2048
MAX_HEADERS = 50
MAX_HEADER_LENGTH = 4096
MAX_BODY_BYTES = 1024 * 1024

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Not public, whatever the `ipaddress` flags say of them: cloud metadata services.
METADATA = (
    ipaddress.ip_network("169.254.169.254/32"),
    ipaddress.ip_network("fd00:ec2::254/128"),
    ipaddress.ip_network("100.100.100.200/32"),
)


class HttpCallError(Exception):
    """A call that did not happen or did not finish; `field` names the parameter at fault,
    when one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class HttpCallRefused(HttpCallError):
    """Refused before anything was sent: an invalid parameter or a host not allowed."""


class HttpCallFailed(HttpCallError):
    """Sent, or tried, but failed: no connection, timeout, a response over the size limit."""


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """What the operator allows a workflow's HTTP calls (settings.py `automation_http_*`)."""

    allowed_hosts: tuple[str, ...] = ()
    timeout_seconds: float = 10.0
    max_response_bytes: int = 1024 * 1024
    max_redirects: int = 3
    # A workspace's own list (its applied `socdesk_http` configuration,
    # automation/component_settings.py): a host must pass it too. None: the operator's alone.
    workspace_hosts: tuple[str, ...] | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> HttpLimits:
        return cls(
            tuple(settings.automation_http_allowed_hosts),
            float(settings.automation_http_timeout_seconds),
            int(settings.automation_http_max_response_bytes),
            int(settings.automation_http_max_redirects),
        )


@dataclass(frozen=True, slots=True)
class _AllowList:
    names: frozenset[str]
    suffixes: tuple[str, ...]
    any_host: bool
    networks: tuple[Network, ...]

    @classmethod
    def of(cls, entries: tuple[str, ...]) -> _AllowList:
        names, suffixes, networks, any_host = set(), [], [], False
        for raw in entries:
            entry = raw.strip().lower().rstrip(".")
            if not entry:
                continue
            if entry == "*":
                any_host = True
            elif entry.startswith("*."):
                suffixes.append(entry[1:])
            else:
                try:
                    networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                except ValueError:
                    names.add(entry)
        return cls(frozenset(names), tuple(suffixes), any_host, tuple(networks))

    def listed_address(self, address: Address) -> bool:
        return any(address in network for network in self.networks)

    def host_allowed(self, host: str, literal: Address | None) -> bool:
        if literal is not None:
            return self.any_host or self.listed_address(literal)
        return self.any_host or host in self.names or host.endswith(self.suffixes)

    def covers(self, entry: str) -> bool:
        """Whether every host another list's `entry` allows, this list allows too."""
        if self.any_host:
            return True
        if entry == "*":
            return False
        if entry.startswith("*."):
            return entry[1:].endswith(self.suffixes)
        try:
            network = ipaddress.ip_network(entry.strip("[]"), strict=False)
        except ValueError:
            return self.host_allowed(entry, None)
        return any(
            network.version == mine.version and network.subnet_of(mine)  # type: ignore[arg-type]
            for mine in self.networks
        )


def allow_list(entries: tuple[str, ...]) -> _AllowList:
    """An allow-list as the calls read it (the operator's, or a workspace's)."""
    return _AllowList.of(entries)


def _public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _public(address.ipv4_mapped)
    if any(address in network for network in METADATA):
        return False
    return address.is_global and not address.is_multicast


@dataclass(frozen=True, slots=True)
class _Target:
    url: httpx.URL
    host: str
    address: str


async def _check(
    url: httpx.URL, allowed: _AllowList, field: str, narrower: _AllowList | None = None
) -> _Target:
    """The URL's host allowed and resolved once, every address checked: the one to connect
    to. HttpCallRefused naming `field` otherwise."""
    if url.scheme not in ("http", "https"):
        raise HttpCallRefused("must be an http or https URL", field)
    if url.userinfo:
        raise HttpCallRefused("must not carry credentials (send them as a header)", field)
    host = url.host.lower().rstrip(".")
    if not host:
        raise HttpCallRefused("has no host", field)
    try:
        literal: Address | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if not allowed.host_allowed(host, literal):
        raise HttpCallRefused(f"host {host!r} is not in the allow-list", field)
    if narrower is not None and not narrower.host_allowed(host, literal):
        raise HttpCallRefused(f"host {host!r} is not in the workspace's allow-list", field)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            found = await anyio.getaddrinfo(host, url.port or 0, type=socket.SOCK_STREAM)
        except OSError as error:
            raise HttpCallFailed(f"host {host!r} does not resolve: {error}", field) from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found))
        if not addresses:
            raise HttpCallFailed(f"host {host!r} does not resolve", field)
    explicit = literal is None and host in allowed.names
    for address in addresses:
        if not _public(address) and not explicit and not allowed.listed_address(address):
            raise HttpCallRefused(
                f"host {host!r} is at {address}, a private or reserved address that is not"
                " in the allow-list",
                field,
            )
    return _Target(url, host, str(addresses[0]))


def _request_headers(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise HttpCallRefused("must be an object of header names and values", "headers")
    if len(raw) > MAX_HEADERS:
        raise HttpCallRefused(f"at most {MAX_HEADERS} headers", "headers")
    headers: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not name or not isinstance(value, str | int | float):
            raise HttpCallRefused("each header is a name and a text value", "headers")
        text = str(value)
        if any(c in name + text for c in "\r\n\0") or len(name) + len(text) > MAX_HEADER_LENGTH:
            raise HttpCallRefused(f"header {name[:100]!r} is not a valid header", "headers")
        if name.lower() in RESERVED_HEADERS:
            raise HttpCallRefused(f"header {name[:100]!r} is set by the call itself", "headers")
        headers[name] = text
    return headers


def _request_body(raw: Any) -> bytes | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        content = raw.encode()
    elif isinstance(raw, dict | list):
        content = json.dumps(raw, ensure_ascii=False).encode()
    else:
        raise HttpCallRefused("must be text (or a JSON object, sent as JSON)", "body")
    if len(content) > MAX_BODY_BYTES:
        raise HttpCallRefused(f"at most {MAX_BODY_BYTES} bytes", "body")
    return content


def _url(raw: Any) -> httpx.URL:
    if not isinstance(raw, str) or not raw:
        raise HttpCallRefused("is required: an http or https URL", "url")
    if len(raw) > MAX_URL_LENGTH:
        raise HttpCallRefused(f"at most {MAX_URL_LENGTH} characters", "url")
    try:
        return httpx.URL(raw)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise HttpCallRefused("is not a valid URL", "url") from None


async def _send(
    client: httpx.AsyncClient,
    target: _Target,
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    limit: int,
) -> tuple[httpx.Response, bytes]:
    """One request to the checked address; the response and its body (at most `limit`
    bytes: HttpCallFailed past them, read no further)."""
    url = target.url.copy_with(host=target.address)
    host_header = target.url.netloc.decode("ascii").rsplit("@", 1)[-1]
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    request = client.build_request(
        method,
        url,
        headers={"Accept-Encoding": "identity", **headers, "Host": host_header},
        content=body,
        extensions=extensions,
    )
    response = await client.send(request, stream=True)
    try:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > limit:
                raise HttpCallFailed(f"the response is over the limit of {limit} bytes")
            chunks.append(chunk)
    finally:
        await response.aclose()
    return response, b"".join(chunks)


async def _call(
    method: str, url: httpx.URL, headers: dict[str, str], body: bytes | None, limits: HttpLimits
) -> dict[str, object]:
    allowed = _AllowList.of(limits.allowed_hosts)
    narrower = None if limits.workspace_hosts is None else _AllowList.of(limits.workspace_hosts)
    try:
        with anyio.fail_after(limits.timeout_seconds):
            async with httpx.AsyncClient(
                follow_redirects=False, trust_env=False, timeout=limits.timeout_seconds
            ) as client:
                target = await _check(url, allowed, "url", narrower)
                for hop in range(limits.max_redirects + 1):
                    response, content = await _send(
                        client, target, method, headers, body, limits.max_response_bytes
                    )
                    location = response.headers.get("location")
                    if response.status_code not in REDIRECTS or location is None:
                        return _answer(response, content)
                    if hop == limits.max_redirects:
                        raise HttpCallFailed(f"more than {limits.max_redirects} redirects")
                    if response.status_code == 303 or (
                        response.status_code in (301, 302) and method == "POST"
                    ):
                        method, body = "GET", None
                    target = await _check(
                        target.url.join(location), allowed, "url (a redirect)", narrower
                    )
    except TimeoutError:
        raise HttpCallFailed(f"no answer within {limits.timeout_seconds:g} seconds") from None
    except httpx.TimeoutException:
        raise HttpCallFailed(f"no answer within {limits.timeout_seconds:g} seconds") from None
    except httpx.HTTPError as error:
        raise HttpCallFailed(f"the call failed: {type(error).__name__}: {error}") from None
    raise HttpCallFailed("no answer")  # pragma: no cover (the loop returns or raises)


def _answer(response: httpx.Response, content: bytes) -> dict[str, object]:
    text = content.decode(response.encoding or "utf-8", errors="replace")
    answer: dict[str, object] = {
        "status": response.status_code,
        "headers": dict(response.headers.items()),
        "body": text,
    }
    if "json" in response.headers.get("content-type", ""):
        try:
            answer["json"] = json.loads(text)
        except ValueError:
            pass
    return answer


async def http_request(params: dict[str, object], limits: HttpLimits) -> dict[str, object]:
    """The `http_request` action: `method`, `url`, `headers` (optional), `body` (optional: text,
    or an object sent as JSON). Its output: `status`, `headers`, `body` (the text) and `json`
    when the answer is JSON. HttpCallRefused (nothing sent) or HttpCallFailed otherwise."""
    method = params.get("method", "GET")
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise HttpCallRefused(f"must be one of {', '.join(METHODS)}", "method")
    url = _url(params.get("url"))
    headers = _request_headers(params.get("headers"))
    raw_body = params.get("body")
    content = _request_body(raw_body)
    if isinstance(raw_body, dict | list) and not any(h.lower() == "content-type" for h in headers):
        headers["Content-Type"] = "application/json"
    return await _call(method.upper(), url, headers, content, limits)


async def webhook(params: dict[str, object], limits: HttpLimits) -> dict[str, object]:
    """The `webhook` action: POST `{"message": ..., "data": ...}` as JSON to `url` (`message`
    and `data`, the object the notice is about, optional; `headers` optional). Its output as
    `http_request`'s."""
    message = params.get("message")
    if message is not None and not isinstance(message, str):
        raise HttpCallRefused("must be text", "message")
    data = params.get("data")
    if data is not None and not isinstance(data, dict):
        raise HttpCallRefused("must be an object", "data")
    url = _url(params.get("url"))
    headers = _request_headers(params.get("headers"))
    headers.setdefault("Content-Type", "application/json")
    content = _request_body({"message": message, "data": data})
    return await _call("POST", url, headers, content, limits)
