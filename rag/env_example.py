"""`.env.example`, generated from the settings' own descriptions (`newsdesk settings`; a
test keeps the committed file current)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, SecretStr

from rag.config import PROJECT_ROOT, Settings


def _shown(value: object) -> str:
    if value is None or isinstance(value, SecretStr):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Path):
        home = Path.home()
        if value.is_relative_to(PROJECT_ROOT):
            return str(value.relative_to(PROJECT_ROOT))
        if value.is_relative_to(PROJECT_ROOT.parent):
            return "../" + str(value.relative_to(PROJECT_ROOT.parent))
        return "~/" + str(value.relative_to(home)) if value.is_relative_to(home) else str(value)
    return str(value)


def _field_lines(name: str, info: object, value: object) -> list[str]:
    import textwrap

    desc = getattr(info, "description", None)
    lines = [f"# {line}" for line in textwrap.wrap(desc, 96)] if desc else []
    return [*lines, f"# {name}={_shown(value)}"]


def env_example() -> str:
    """Every setting as a commented `.env` line under its description (`newsdesk settings`)."""
    # The defaults themselves: NEWSDESK_* variables in the caller's environment (a server URL
    # with credentials in it) must not be written into a file meant to be committed.
    defaults = Settings.model_construct()
    out = ["# Newsdesk settings. Copy to .env (in the project root, or point NEWSDESK_ENV_FILE at it)",
           "# and uncomment what you change. Generated from rag/config.py: `newsdesk settings > .env.example`.",
           "", "# --- general"]  # fmt: skip
    sections = []
    for name, info in Settings.model_fields.items():
        value = getattr(defaults, name)
        if isinstance(value, BaseModel):
            sections.append((name, value))
        else:
            out += _field_lines(f"NEWSDESK_{name.upper()}", info, value)
    for section, model in sections:
        out += ["", f"# --- {section}"]
        for name, info in type(model).model_fields.items():
            out += _field_lines(f"NEWSDESK_{section.upper()}__{name.upper()}", info, getattr(model, name))
    return "\n".join(out) + "\n"
