"""Naming a record with its kind, for lines that list records of several kinds."""


def with_kind(kind: str, name: str, separator: str = " ") -> str:
    """`name` led by its `kind`, the kind left out when the name already begins with it
    ("Konsultativt møde Bøgely 4.12.2026", not "Konsultativt møde Konsultativt møde …")."""
    if name.casefold().startswith(kind.casefold()):
        return name
    return f"{kind}{separator}{name}".strip()
