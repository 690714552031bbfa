"""The HTTP request and webhook actions against a loopback test server: reached only when the
operator lists it; private, loopback and metadata addresses refused otherwise; the connection
goes to the address checked; redirects re-checked; timeouts and oversize answers fail."""

from __future__ import annotations

import json
import time

import pytest

from socdesk.automation.http_calls import (
    HttpCallFailed,
    HttpCallRefused,
    HttpLimits,
    http_request,
    webhook,
)
from socdesk.settings import Settings


def _limits(*hosts: str, **overrides: object) -> HttpLimits:
    return HttpLimits(allowed_hosts=hosts, **overrides)  # type: ignore[arg-type]


async def test_a_listed_loopback_host_is_called_and_answers(port: int) -> None:
    answer = await http_request(
        {
            "method": "post",
            "url": f"http://127.0.0.1:{port}/things?x=1",
            "headers": {"Authorization": "Bearer t"},
            "body": {"severity": "High"},
        },
        _limits("127.0.0.1"),
    )

    assert answer["status"] == 201
    sent = answer["json"]
    assert isinstance(sent, dict)
    assert (sent["method"], sent["path"], sent["auth"]) == ("POST", "/things?x=1", "Bearer t")
    assert sent["content_type"] == "application/json"
    assert json.loads(sent["body"]) == {"severity": "High"}
    assert json.loads(str(answer["body"])) == sent
    assert isinstance(answer["headers"], dict)


async def test_a_listed_name_is_resolved_once_and_keeps_its_host_header(port: int) -> None:
    answer = await http_request(
        {"method": "GET", "url": f"http://localhost:{port}/x"}, _limits("localhost")
    )

    sent = answer["json"]
    assert isinstance(sent, dict)
    assert sent["host"] == f"localhost:{port}"


async def test_the_webhook_posts_its_notice_as_json(port: int) -> None:
    answer = await webhook(
        {"url": f"http://127.0.0.1:{port}/hook", "message": "triaged", "data": {"id": "a"}},
        _limits("127.0.0.0/8"),
    )

    sent = answer["json"]
    assert isinstance(sent, dict)
    assert sent["method"] == "POST"
    assert json.loads(sent["body"]) == {"message": "triaged", "data": {"id": "a"}}


@pytest.mark.parametrize(
    ("url", "hosts", "field"),
    [
        # Nothing listed: nothing is called.
        ("http://127.0.0.1:{port}/", (), "url"),
        # A wildcard never reaches a private, loopback, link-local or metadata address.
        ("http://127.0.0.1:{port}/", ("*",), "url"),
        ("http://localhost:{port}/", ("*",), "url"),
        ("http://10.1.2.3/", ("*",), "url"),
        ("http://192.168.0.1/", ("*",), "url"),
        ("http://169.254.169.254/latest/meta-data/", ("*",), "url"),
        ("http://[::1]:{port}/", ("*",), "url"),
        ("http://[::ffff:127.0.0.1]:{port}/", ("*",), "url"),
        ("http://100.64.0.1/", ("*",), "url"),
        # A host not listed, another scheme, credentials in the URL.
        ("http://example.com/", ("example.org",), "url"),
        ("ftp://127.0.0.1/", ("127.0.0.1",), "url"),
        ("http://user:pw@127.0.0.1:{port}/", ("127.0.0.1",), "url"),
        # A redirect to an address not listed is not followed.
        (
            "http://127.0.0.1:{port}/redirect?to=http://10.0.0.1/",
            ("127.0.0.1",),
            "url (a redirect)",
        ),
    ],
)
async def test_refused_calls_send_nothing_and_name_the_url(
    port: int, url: str, hosts: tuple[str, ...], field: str
) -> None:
    with pytest.raises(HttpCallRefused) as refused:
        await http_request({"method": "GET", "url": url.format(port=port)}, _limits(*hosts))

    assert refused.value.field == field


async def test_invalid_parameters_are_refused_naming_them(port: int) -> None:
    url = f"http://127.0.0.1:{port}/"
    cases = [
        ({"method": "TRACE", "url": url}, "method"),
        ({"method": "GET"}, "url"),
        ({"method": "GET", "url": "not a url at all \x00"}, "url"),
        ({"method": "GET", "url": url, "headers": ["x"]}, "headers"),
        ({"method": "GET", "url": url, "headers": {"Host": "evil"}}, "headers"),
        ({"method": "GET", "url": url, "headers": {"X-A": "a\r\nX-B: b"}}, "headers"),
        ({"method": "POST", "url": url, "body": 12}, "body"),
    ]
    for params, field in cases:
        with pytest.raises(HttpCallRefused) as refused:
            await http_request(params, _limits("127.0.0.1"))
        assert refused.value.field == field, params
    with pytest.raises(HttpCallRefused) as bad_message:
        await webhook({"url": url, "message": 3}, _limits("127.0.0.1"))
    assert bad_message.value.field == "message"


async def test_a_redirect_to_a_checked_url_is_followed(port: int) -> None:
    target = f"http://127.0.0.1:{port}/landed"
    answer = await http_request(
        {"method": "GET", "url": f"http://127.0.0.1:{port}/redirect?to={target}"},
        _limits("127.0.0.1"),
    )
    sent = answer["json"]
    assert isinstance(sent, dict)
    assert (answer["status"], sent["path"]) == (201, "/landed")

    with pytest.raises(HttpCallFailed):
        await http_request(
            {"method": "GET", "url": f"http://127.0.0.1:{port}/redirect?to={target}"},
            _limits("127.0.0.1", max_redirects=0),
        )


async def test_oversize_answers_and_timeouts_fail(port: int) -> None:
    with pytest.raises(HttpCallFailed, match="over the limit of 1000 bytes"):
        await http_request(
            {"method": "GET", "url": f"http://127.0.0.1:{port}/big"},
            _limits("127.0.0.1", max_response_bytes=1000),
        )
    started = time.monotonic()
    with pytest.raises(HttpCallFailed, match="no answer within"):
        await http_request(
            {"method": "GET", "url": f"http://127.0.0.1:{port}/slow"},
            _limits("127.0.0.1", timeout_seconds=0.3),
        )
    assert time.monotonic() - started < 1.2


def test_the_limits_come_from_the_settings() -> None:
    settings = Settings(
        automation_http_allowed_hosts=["hooks.example.com", "10.0.0.0/8"],
        automation_http_timeout_seconds=2.5,
        automation_http_max_response_bytes=4096,
        automation_http_max_redirects=1,
    )

    limits = HttpLimits.from_settings(settings)

    assert limits == HttpLimits(("hooks.example.com", "10.0.0.0/8"), 2.5, 4096, 1)
    assert HttpLimits.from_settings(Settings()).allowed_hosts == ()
