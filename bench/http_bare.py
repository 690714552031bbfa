"""The bare FastAPI app `bench/http.py` compares SOCdesk with: one route answering ~1 KB of JSON.

Run as a script it serves that app the way `socdesk serve` serves SOCdesk (same server, same
worker count), so the ratio measures the application and not the server set-up:

    .venv/bin/python bench/http_bare.py --port 8101 --workers 2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI

# About 1 KB of JSON, shaped like an incident's data_object.
PAYLOAD: dict[str, Any] = {
    "id": "0b8f1c2e-6d4a-4f8e-9a51-3c2d7e9f1a00",
    "version": "3",
    "title": "Brute force against sshd on host-0042",
    "description": "Seen by the host sensor on host-0042; see network_list for the sources.",
    "severity": "High",
    "handle_status": "Open",
    "incident_type": {"category": "Brute force", "incident_type": "SSH brute force"},
    "data_source": {"source_type": 3, "product_name": "HSS", "product_feature": "login"},
    "owner": "analyst7@soc.example",
    "creator": "bench@socdesk.example",
    "confidence": 80,
    "criticality": 60,
    "first_observed_time": "2026-11-01T10:00:00.000Z+0000",
    "create_time": "2026-11-01T10:05:00.000Z+0000",
    "update_time": "2026-11-01T10:05:00.000Z+0000",
    "network_list": [{"src_ip": f"203.0.113.{n}", "dest_port": "22"} for n in range(8)],
    "domain_id": "6f1d0c2b9a8e4d7c8b6a5f4e3d2c1b0a",
    "workspace_id": "4e9c6b1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d",
}

app = FastAPI()


@app.get("/incident")
async def incident() -> dict[str, Any]:
    return PAYLOAD


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    # The workers import this module by name.
    sys.path.insert(0, str(Path(__file__).parent))
    from socdesk.cli.serving import serve

    serve("http_bare:app", args.host, args.port, args.workers, factory=False)


if __name__ == "__main__":
    main()
