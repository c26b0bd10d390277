"""One small hierarchy of errors the domain and the store raise; the web maps each to a code."""

from __future__ import annotations


class DomainError(Exception):
    """A request the ledger refuses; nothing was changed."""

    code = "domain_error"


class InvalidAmount(DomainError):
    """An amount that is not a positive, whole-cent, bounded Decimal."""

    code = "validation_error"


class InvalidIdentifier(DomainError):
    """An account or owner id outside the allowed alphabet or length."""

    code = "validation_error"


class InvalidCurrency(DomainError):
    """A currency that is not three capital ASCII letters."""

    code = "validation_error"


class AccountNotFound(DomainError):
    """The account id names no account."""

    code = "account_not_found"

    def __init__(self, account_id: str) -> None:
        super().__init__(f"account {account_id!r} does not exist")
        self.account_id = account_id


class AccountAlreadyExists(DomainError):
    """Opening an account whose id is taken."""

    code = "account_exists"

    def __init__(self, account_id: str) -> None:
        super().__init__(f"account {account_id!r} already exists")
        self.account_id = account_id


class AccountClosed(DomainError):
    """Money movement, a limit change or a second close on a closed account."""

    code = "account_closed"

    def __init__(self, account_id: str) -> None:
        super().__init__(f"account {account_id!r} is closed")
        self.account_id = account_id


class InsufficientFunds(DomainError):
    """The movement would take the balance below minus the overdraft limit."""

    code = "insufficient_funds"

    def __init__(self, account_id: str, available: object, requested: object) -> None:
        super().__init__(
            f"account {account_id!r} has {available} available, {requested} was requested"
        )
        self.account_id = account_id


class AccountNotEmpty(DomainError):
    """Closing an account whose balance is not zero."""

    code = "account_not_empty"

    def __init__(self, account_id: str, balance: object) -> None:
        super().__init__(f"account {account_id!r} has a balance of {balance}; it must be 0.00")
        self.account_id = account_id


class SameAccount(DomainError):
    """A transfer whose source and destination are one account."""

    code = "same_account"


class CurrencyMismatch(DomainError):
    """A transfer between accounts of different currencies."""

    code = "currency_mismatch"


class VersionMismatch(DomainError):
    """The caller expected another version of the account (HTTP If-Match)."""

    code = "version_mismatch"

    def __init__(self, account_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"account {account_id!r} is at version {actual}, the request expected {expected}"
        )
        self.expected = expected
        self.actual = actual


class IdempotencyKeyReused(DomainError):
    """An idempotency key already recorded for a different request."""

    code = "idempotency_key_reused"

    def __init__(self, key: str) -> None:
        super().__init__(f"idempotency key {key!r} was already used for a different request")
        self.key = key


class ConcurrencyError(DomainError):
    """An append lost the race for a stream: someone else wrote first."""

    code = "concurrency_conflict"

    def __init__(self, stream_id: str, expected: object, actual: int | None) -> None:
        super().__init__(
            f"stream {stream_id!r}: expected version {expected}, actual version {actual}"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
