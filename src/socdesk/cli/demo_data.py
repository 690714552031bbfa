"""The demo tenant's sample data: six weeks of a small SOC's incidents, ending now.

`socdesk demo` writes it once, when it creates the demo tenant, so that every example in README.md
and docs/ finds something: INC-00001 ... exist, searches over recent dates match, tags, threat
objectives, owners, comments and risks are there to filter on. Everything is written through the
domain services the APIs call (one bulk create, then changes through the change path, comments
and risk links made by the analysts who own the incidents), so the rows, numbers and audit trail
are exactly what API clients would have produced. Dates are relative to the moment the demo starts.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.iam.accounts import AccountService, Tenant
from socdesk.iam.principal import AuthMethod, Principal
from socdesk.iam.repository import ProjectWorkspaces
from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.comments import CommentService
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.relations import TagChange, TagOperation
from socdesk.incidents.risks import RiskService
from socdesk.incidents.rules import StatusIntent
from socdesk.incidents.service import IncidentService
from socdesk.incidents.writes import IncidentChange
from socdesk.kit.clock import format_time, utcnow
from socdesk.kit.ids import hex_id
from socdesk.models import Role, User
from socdesk.workspaces.scope import WorkspaceScope

DEMO_PROJECT, DEMO_WORKSPACE = "demo", "default"
DEMO_EMAIL, DEMO_PASSWORD = "demo@socdesk.local", "socdesk-demo"

# The analysts incidents are assigned to; they are workspace members who cannot log in (their
# passwords are random and never shown).
ANALYSTS = {
    "ann": ("ann.lee@socdesk.local", "Ann", "Lee"),
    "raj": ("raj.patel@socdesk.local", "Raj", "Patel"),
    "mia": ("mia.schmidt@socdesk.local", "Mia", "Schmidt"),
}

# Each incident source (one of the project's default sources) as SecMaster's data_source has it.
SOURCES = {
    "HSS": (1, "Host security"),
    "WAF": (1, "Web protection"),
    "CFW": (1, "Cloud firewall"),
    "Anti-DDoS": (1, "Traffic scrubbing"),
    "EDR": (2, "Endpoint detection"),
    "SIEM": (2, "Correlation rule"),
    "Email gateway": (2, "Mail filtering"),
    "Threat intelligence": (2, "Feed match"),
    "User report": (3, "Service desk"),
}

Objectives = tuple[tuple[str, str | None], ...]


class Sample(NamedTuple):
    days_ago: float
    title: str
    severity: str  # SecMaster's name
    status: str  # the register's, or Blocked
    category: str
    kind: str
    source: str
    owner: str | None  # a key of ANALYSTS
    tags: tuple[str, ...] = ()
    objectives: Objectives = ()


# Oldest first, so the incident numbers (INC-00001 ...) grow with time.
SAMPLES: tuple[Sample, ...] = (
    Sample(41, "Brute-force SSH logins on bastion-01", "High", "Closed", "Intrusion",
           "Brute force", "HSS", "raj", ("ssh", "bastion")),
    Sample(39, "Phishing email impersonating payroll", "Medium", "Closed", "Phishing",
           "Credential phishing", "Email gateway", "ann", ("phishing", "payroll"),
           (("Fraud", "High"),)),
    Sample(37, "Port scan from 203.0.113.45 against the web tier", "Low", "Closed",
           "Network attack", "Port scan", "CFW", None, ("scan",)),
    Sample(36, "Ransomware note found on file server fs-02", "Fatal", "Closed", "Malware",
           "Ransomware", "EDR", "mia", ("ransomware", "file-server"),
           (("Extortion", "High"), ("Sabotage", "Medium"))),
    Sample(34, "SQL injection attempts on /api/orders", "High", "Closed", "Web attack",
           "SQL injection", "WAF", "raj", ("web", "sqli"), (("Data Disclosure", "Medium"),)),
    Sample(33, "Cryptominer process on Kubernetes node worker-7", "Medium", "Closed", "Malware",
           "Cryptominer", "HSS", "mia", ("kubernetes", "cryptomining"),
           (("Resource Hijacking", "High"),)),
    Sample(31, "Impossible-travel sign-in for j.doe", "Medium", "Closed", "Abnormal login",
           "Impossible travel", "SIEM", "ann", ("identity",)),
    Sample(30, "Volumetric DDoS on the public load balancer", "High", "Closed",
           "Network attack", "DDoS", "Anti-DDoS", "raj", ("ddos",), (("Sabotage", "Medium"),)),
    Sample(28, "PowerShell download cradle on FIN-LT-114", "High", "Closed", "Malware",
           "Trojan", "EDR", "mia", ("powershell", "finance"), (("Fraud", "Medium"),)),
    Sample(27, "Leaked API key found in a public repository", "High", "Review", "Data leak",
           "Credential exposure", "Threat intelligence", "ann", ("secrets", "github"),
           (("Data Disclosure", "High"),)),
    Sample(26, "Business email compromise: fake invoice sent to accounts payable", "High",
           "Closed", "Phishing", "Business email compromise", "User report", "ann",
           ("phishing", "bec", "finance"), (("Fraud", "High"),)),
    Sample(24, "Outbound traffic to a known C2 domain", "Fatal", "In Progress", "Malware",
           "Command and control", "CFW", "mia", ("c2",), (("Data Disclosure", "Medium"),)),
    Sample(23, "XSS payloads against the customer portal", "Medium", "Closed", "Web attack",
           "Cross-site scripting", "WAF", "raj", ("web",), (("Customer Targeting", "Medium"),)),
    Sample(22, "Password spraying on the VPN gateway", "High", "In Progress", "Intrusion",
           "Password spraying", "SIEM", "raj", ("vpn", "identity")),
    Sample(21, "USB mass-storage policy violation", "Low", "Closed", "Policy violation",
           "Removable media", "EDR", None, ("policy",)),
    Sample(20, "Object storage bucket listable by anyone", "Medium", "Review", "Data leak",
           "Misconfiguration", "HSS", "ann", ("cloud", "misconfiguration"),
           (("Data Disclosure", "Medium"),)),
    Sample(18, "Phishing campaign with a shared-document lure", "Medium", "In Progress",
           "Phishing", "Credential phishing", "Email gateway", "ann", ("phishing",),
           (("Fraud", "Medium"),)),
    Sample(17, "Web shell uploaded to the CMS", "Fatal", "Blocked", "Web attack", "Web shell",
           "HSS", "raj", ("web", "webshell"), (("Sabotage", "High"), ("Data Disclosure", "High"))),
    Sample(16, "Mass download from the CRM by a departing employee", "High", "Review",
           "Data leak", "Insider", "SIEM", "mia", ("insider",),
           (("Data Disclosure", "High"), ("Customer Targeting", "Medium"))),
    Sample(14, "Log4Shell exploit attempt on a legacy app", "High", "Closed",
           "Vulnerability exploit", "Remote code execution", "WAF", "raj",
           ("log4j", "cve-2021-44228")),
    Sample(13, "Malicious macro document opened in HR", "High", "In Progress", "Malware",
           "Trojan", "EDR", "mia", ("macro", "hr")),
    Sample(12, "Customer reports a fake support phone number", "Medium", "New", "Fraud",
           "Brand impersonation", "User report", None, ("brand",),
           (("Customer Targeting", "High"), ("Fraud", "Medium"))),
    Sample(11, "New domain admin created outside the change window", "Fatal", "In Progress",
           "Account compromise", "Privilege escalation", "SIEM", "ann", ("active-directory",),
           (("Sabotage", "Medium"),)),
    Sample(10, "Admin console sign-ins from Tor exit nodes", "Medium", "New", "Abnormal login",
           "Anonymised access", "SIEM", None, ("identity", "tor")),
    Sample(9, "Brute-force RDP on the jump host", "Medium", "Closed", "Intrusion", "Brute force",
           "HSS", "raj", ("rdp",)),
    Sample(8, "Typosquatted domain registered: socdessk.com", "Low", "New", "Fraud",
           "Brand impersonation", "Threat intelligence", None, ("brand", "domain"),
           (("Customer Targeting", None),)),
    Sample(7, "Cobalt Strike beacon on SRV-DB-03", "Fatal", "In Progress", "Malware",
           "Command and control", "EDR", "mia", ("cobalt-strike", "c2"),
           (("Extortion", "High"),)),
    Sample(6, "Credential stuffing on the login endpoint", "High", "New", "Intrusion",
           "Credential stuffing", "WAF", "raj", ("web", "identity"),
           (("Customer Targeting", "Medium"),)),
    Sample(5, "Cryptominer image pulled into a CI runner", "Medium", "Review", "Malware",
           "Cryptominer", "HSS", "mia", ("ci", "cryptomining"),
           (("Resource Hijacking", "Medium"),)),
    Sample(4, "MFA fatigue: push bombing of a finance user", "High", "New", "Phishing",
           "MFA fatigue", "SIEM", "ann", ("phishing", "mfa")),
    Sample(3, "Outdated OpenSSH on 12 hosts", "Medium", "New", "Vulnerability exploit",
           "Outdated software", "HSS", None, ("patching",)),
    Sample(2, "Data exfiltration over DNS tunnelling", "Fatal", "New", "Data leak",
           "Exfiltration", "CFW", None, ("dns",), (("Data Disclosure", "High"),)),
    Sample(1.5, "Suspicious OAuth app consent", "Medium", "New", "Account compromise",
           "OAuth abuse", "SIEM", "ann", ("identity", "oauth")),
    Sample(1, "Port scan from internal host 10.4.2.17", "Low", "New", "Network attack",
           "Port scan", "CFW", None),
    Sample(0.5, "Spam wave with QR-code phishing", "Low", "New", "Phishing", "Quishing",
           "Email gateway", None, ("phishing",)),
    Sample(0.2, "Threat-intel feed lists our address range", "Tips", "New", "Other", "Other",
           "Threat intelligence", None),
)  # fmt: skip

# Comments by incident number: (author, text), oldest first.
COMMENTS: dict[int, tuple[tuple[str, str], ...]] = {
    4: (("mia", "Isolated fs-02 from the network; backups from the night before are clean."),
        ("mia", "Restored the share from backup, 0 files lost. Closing.")),
    12: (("mia", "Blocked the domain on the firewall; hunting for other hosts that resolved it."),),
    18: (("raj", "Waiting for the CMS vendor's patch before we can redeploy."),),
    19: (("mia", "HR confirmed the employee's last day is Friday; legal is informed."),),
    23: (("ann", "The account was created from a service account's session. Rotating it now."),),
    27: (("mia", "Beacon interval 60 s, jitter 20 %. Memory image taken."),
         ("ann", "Same C2 infrastructure as INC-00012.")),
}  # fmt: skip

# The project's risks and the incidents linked to each.
RISKS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("Ransomware outbreak", "Encryption of file servers and backups", (4, 12, 27)),
    ("Customer data breach", "Disclosure of customer records", (5, 10, 16, 19, 32)),
    ("Payment fraud", "Payments diverted to attackers' accounts", (2, 11)),
)


def _incident(sample: Sample, now: datetime, owners: dict[str, str]) -> IncidentObject:
    created = now - timedelta(days=sample.days_ago)
    source_type, feature = SOURCES[sample.source]
    handle_status = {"Closed": "Closed", "Blocked": "Block"}.get(sample.status, "Open")
    fields: dict[str, Any] = {
        "title": sample.title,
        "description": f"{sample.kind} reported by {sample.source}: {sample.title}.",
        "severity": sample.severity,
        "handle_status": handle_status,
        "incident_type": {"category": sample.category, "incident_type": sample.kind},
        "data_source": {
            "source_type": source_type,
            "product_name": sample.source,
            "product_feature": feature,
        },
        "first_observed_time": format_time(created - timedelta(minutes=35)),
        "arrive_time": format_time(created - timedelta(minutes=5)),
        "create_time": format_time(created),
        "confidence": 60 + len(sample.title) % 40,
        "labels": ",".join(sample.tags) or None,
    }
    if sample.owner:
        fields["owner"] = fields["creator"] = owners[sample.owner]
    if sample.status == "Closed":
        fields["close_time"] = format_time(min(created + timedelta(hours=6), now))
        false_alarm = sample.severity == "Low"
        fields["close_reason"] = "False detection" if false_alarm else "Resolved"
        fields["verification_state"] = "False_Positive" if false_alarm else "True_Positive"
    return IncidentObject.model_validate({k: v for k, v in fields.items() if v is not None})


def _register_facts(sample: Sample, now: datetime) -> IncidentChange | None:
    """The change that gives the incident what SecMaster does not hold (what a register PATCH
    would ask for); None when there is nothing to add."""
    created = now - timedelta(days=sample.days_ago)
    columns: dict[str, Any] = {}
    status = {"In Progress": StatusIntent.in_progress, "Review": StatusIntent.review}.get(
        sample.status
    )
    if sample.status != "New":
        columns["responded_time"] = created + timedelta(minutes=40)
    if sample.status in ("Closed", "Review"):
        columns["contained_time"] = min(created + timedelta(hours=3), now)
    if sample.severity == "Fatal":
        columns["severity_reasoning"] = "Business-critical systems are affected."
    tags = TagChange.of(TagOperation.add, sample.tags) if sample.tags else None
    objectives = set(sample.objectives) or None
    if not (columns or status or tags or objectives):
        return None
    return IncidentChange(columns=columns, status=status, tags=tags, objectives=objectives)


def _scope(tenant: Tenant, user: User, role: Role) -> WorkspaceScope:
    return WorkspaceScope(Principal(user, tenant.project, AuthMethod.token), tenant.workspace, role)


async def _analysts(session: AsyncSession, tenant: Tenant) -> dict[str, User]:
    """The analysts, as workspace members without a password: they own and comment on
    incidents but cannot log in (hashing passwords nobody would use would double the demo's
    start time)."""
    accounts = AccountService(session)
    analysts: dict[str, User] = {}
    for key, (email, first, last) in ANALYSTS.items():
        user = User(project_id=tenant.project.id, email=email, first_name=first, last_name=last)
        session.add(user)
        await session.flush()
        await accounts.add_member(tenant.project.name, tenant.workspace.name, email, Role.analyst)
        analysts[key] = user
    return analysts


async def seed_demo_workspace(session: AsyncSession, tenant: Tenant) -> int:
    """Fill the new demo tenant's workspace with SAMPLES; how many incidents were made."""
    now = utcnow().replace(microsecond=0)
    analysts = await _analysts(session, tenant)
    admin = _scope(tenant, tenant.user, Role.admin)
    scopes = {key: _scope(tenant, user, Role.analyst) for key, user in analysts.items()}
    owners = {key: user.email for key, user in analysts.items()}

    ids = await IncidentService(session, admin).create_many(
        [_incident(sample, now, owners) for sample in SAMPLES]
    )
    for incident_id, sample in zip(ids, SAMPLES, strict=True):
        change = _register_facts(sample, now)
        if change is not None:
            scope = scopes[sample.owner] if sample.owner else admin
            await IncidentChanges(session, scope).change([incident_id], change)
    for number, comments in COMMENTS.items():
        for author, text in comments:
            await CommentService(session, scopes[author]).add(ids[number - 1], text)
    await _link_risks(session, admin, ids)
    return len(ids)


async def _link_risks(
    session: AsyncSession, admin: WorkspaceScope, ids: Sequence[uuid.UUID]
) -> None:
    risks = RiskService(session, admin)
    linked: dict[int, list[uuid.UUID]] = {}
    for title, description, numbers in RISKS:
        risk = await risks.add(title, description)
        for number in numbers:
            linked.setdefault(number, []).append(risk.id)
    for number, risk_ids in sorted(linked.items()):
        await risks.associate(ids[number - 1], risk_ids)


@dataclass(frozen=True, slots=True)
class DemoTenant:
    """Where the demo lives, as the API names it, and how many incidents were just made."""

    project_id: str  # 32 hex digits
    workspace_id: str
    seeded: int


async def prepare_demo(session: AsyncSession) -> DemoTenant | None:
    """Create the demo tenant with its sample incidents when the store has no tenant at all;
    None when the store holds tenants but no demo project. An existing demo is left as it is
    (its data may have been changed on purpose), so a restart never adds incidents."""
    accounts = AccountService(session)
    seeded = 0
    if not await accounts.has_projects():
        tenant = await accounts.bootstrap(DEMO_PROJECT, DEMO_WORKSPACE, DEMO_EMAIL, DEMO_PASSWORD)
        seeded = await seed_demo_workspace(session, tenant)
    project = await accounts.repo.project_by_name(DEMO_PROJECT)
    workspace = project and await ProjectWorkspaces(session, project.id).named(DEMO_WORKSPACE)
    if project is None or workspace is None:
        return None
    return DemoTenant(hex_id(project.id), str(workspace.id), seeded)
