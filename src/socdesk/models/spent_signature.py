"""Signatures of signed writes already received, to refuse their replay."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base


class SpentSignature(Base):
    """One accepted SDK-HMAC-SHA256 signed write (POST, PUT, PATCH, DELETE), kept while its
    X-Sdk-Date is inside the skew window, so the same signed request is not accepted twice.

    The key is the SHA-256 of the access key and the signature; the row lives in the request's
    transaction, so a request that is rolled back leaves its signature unspent (resending it
    does what the first attempt would have done), and two copies racing in two processes meet
    on the primary key. Rows past `expires_at` can no longer match a fresh request (its date
    would be refused) and are deleted in bulk through the index.
    """

    __tablename__ = "spent_signatures"

    signature_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
