"""Extract every translatable string of app/ and ui/ and merge it into the Vietnamese catalogue.

    uv run python scripts/update_translations.py          # add new msgids (empty msgstr), drop none
    uv run python scripts/update_translations.py --check  # exit 1 and list what is untranslated

New strings are added with an empty translation; write the Vietnamese in the .po by hand.
Obsolete strings are kept commented out (Babel's `#~`), so no translator's work is lost.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
PO = REPO / "resources" / "translations" / "vi" / "LC_MESSAGES" / "chamber.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "translate": None}
SOURCES = ("app", "ui", "main.py")


def extract() -> Catalog:
    template = Catalog(project="chamber", version="0.1", charset="utf-8")
    for source in SOURCES:
        path = REPO / source
        if path.is_file():
            from babel.messages.extract import extract_from_file

            found = [(path.name, *m) for m in extract_from_file("python", str(path), keywords=KEYWORDS)]
        elif path.is_dir():
            found = list(extract_from_dir(str(path), method_map=[("**.py", "python")], keywords=KEYWORDS))
        else:
            continue
        for filename, lineno, message, comments, context, *rest in found:
            if message:
                template.add(message, locations=[(f"{source}/{filename}" if path.is_dir() else source, lineno)], context=context)
    return template


def load() -> Catalog:
    with PO.open("rb") as fh:
        return read_po(fh, locale="vi", domain="chamber")


def untranslated(template: Catalog, catalog: Catalog) -> list[str]:
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None or not found.string or (isinstance(found.string, tuple) and not all(found.string)) or found.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    template = extract()
    catalog = load()
    if args.check:
        missing = untranslated(template, catalog)
        for m in missing:
            print(f"untranslated: {m}")
        return 1 if missing else 0
    created = catalog.creation_date
    catalog.update(template, update_header_comment=False, no_fuzzy_matching=True)
    # Keep the header date as it was: a run that adds nothing must leave the file unchanged.
    catalog.creation_date = created
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
    print(f"{PO.relative_to(REPO)}: {len(catalog)} messages, {len(untranslated(template, catalog))} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
