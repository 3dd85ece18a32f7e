"""Every user-facing string in code and templates has a Vietnamese translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("**.py", "python"), ("**.html", "jinja2"), ("**.xml", "jinja2"), ("**.svg", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}


def translated_ids() -> set[str]:
    ids: set[str] = set()
    for path in ROOT.glob("storefront/*/translations/vi/LC_MESSAGES/messages.po"):
        with path.open("rb") as handle:
            for message in read_po(handle):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and all(strings) and not message.fuzzy:
                    ids.add(message.id if isinstance(message.id, str) else message.id[0])
    return ids


def test_every_message_has_a_vietnamese_translation():
    known = translated_ids()
    missing = []
    for folder in ("storefront", "templates"):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS
        ):
            msgid = message if isinstance(message, str) else message[0]
            if msgid and msgid not in known:
                missing.append(f"{folder}/{filename}: {msgid!r}")
    assert not missing, "untranslated (run `make messages FEATURE=…`):\n" + "\n".join(missing)
