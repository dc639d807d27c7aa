"""Fill unfinished zh_CN entries of the console's .ts, leaving the rest of the file as is.

Usage: .venv/bin/python scripts/fill_translation.py 'source text=译文' ...
Run scripts/update_translations.sh first (it adds new strings as unfinished) and again
after (it compiles the .qm the console loads).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

TS = Path(__file__).resolve().parents[1] / "resources" / "translations" / "beacon_zh_CN.ts"


def main(pairs: list[str]) -> int:
    text = TS.read_text(encoding="utf-8")
    filled = 0
    for pair in pairs:
        source, translation = pair.split("=", 1)
        pattern = re.compile(r"(<source>" + re.escape(escape(source)) + r"</source>\s*)"
                             r'<translation type="unfinished">\s*</translation>')
        done = "<translation>" + escape(translation).replace("\\", "\\\\") + "</translation>"
        text, n = pattern.subn(r"\g<1>" + done, text)
        filled += n
    TS.write_text(text, encoding="utf-8")
    print(f"filled {filled} entries in {TS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
