"""What a page says about itself rather than about its subject, and so is never quoted.

Navigation, advertisements, calls to action, contact details, share and comment widgets, footers,
disclaimers and repeated site chrome. Each pattern names the reason it marks a line or sentence.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
# Whole-line patterns (footer, chrome, date, byline) are tried only on lines up to this long: page
# furniture is short, and a bound keeps every pattern's time linear in a line of any length.
MAX_FURNITURE_LINE = 300

# A whole line that ends the article: everything from it on is footer.
END_OF_ARTICLE = re.compile(
    r"""^\W*(
        share(\s+(on|this|it))?\W*|
        related\s+(articles?|posts?|stories|reading)|
        you\s+may\s+also\s+like|
        (more|recent|new|latest|popular)\s+(articles?|posts?|stories)|
        comments?\s+(are\s+)?closed\.?|
        leave\s+a\s+(comment|reply)|
        \d+\s*views?\s*\d*\s*comments?|
        bottom\s+of\s+page|
        (tags|categories|filed\s+under)\s*:.*|
        (copyright|©).*
    )\W*$""",
    _I | re.VERBOSE,
)

# A whole line of site chrome.
CHROME_LINE = re.compile(
    r"""^\W*(
        top\s+of\s+page|skip\s+to\s+(main\s+)?content|menu|home|search|
        quick\s+links|company\s+info|about\s+us|contact(\s+us)?|
        privacy\s+policy|terms\s+(of\s+(use|service)|and\s+conditions)|cookie.*|
        .{0,40}\blogo|
        \d+\s+(second|minute|hour|day|week|month|year)s?\s+ago|
        (print|email|tweet|pin\s+it)|
        \d+\s*views?.*|\d+\s*comments?|\d+\s*likes?
    )\W*$""",
    _I | re.VERBOSE,
)

# A sentence that is not about the subject: ads, calls to action, contact details, disclaimers.
# Each rule runs only on a sentence holding one of its keywords (None: always; it is anchored and cheap).
SENTENCE_RULES: tuple[tuple[str, tuple[str, ...] | None, re.Pattern[str]], ...] = (
    ("advertisement", None, re.compile(r"^\W*(ad|advertisement|sponsored|promoted)\b\s*[:|-]", _I)),
    (
        "call to action",
        None,
        re.compile(
            r"""^\W*(visit|sign\s+up|start\s+here|learn\s+more|click|tap|subscribe|donate|
            join\s+(us|our|now|today)|book\s+(a|an|your|now)|schedule\s+(a|an|your)|
            call\s+(us|now|today)|contact\s+us|reach\s+out|read\s+more|get\s+started|
            follow\s+us|download|register|shop|buy\s+now|order\s+now|discover|
            see\s+(more|all)|view\s+(more|all)|apply\s+now|try\s+it|claim\s+your)\b""",
            _I | re.VERBOSE,
        ),
    ),
    (
        "call to action",
        ("reach", "contact", "call us", "schedul", "book", "sign up", "more", "click", "today"),
        re.compile(
            r"""\b(reach\s+out\s+to|contact\s+us|call\s+us|schedule\s+(a|an|your)\s+
            (free\s+)?(consult|consultation|appointment|visit|session)|book\s+(a|an|your)\s+
            (free\s+)?(consult|consultation|appointment|session)|sign\s+up\s+(for|today|now)|
            (learn|find\s+out|read)\s+more\s+(at|here|on\s+our)|click\s+here|today\s+to\s+(schedule|book))\b""",
            _I | re.VERBOSE,
        ),
    ),
    (
        "contact details",
        ("@", "http", "www.", "suite", "ste", *"0123456789"),
        re.compile(
            r"""(\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|@[\w-]+\.[a-z]{2,}|https?://|www\.|
            \b(suite|ste\.?)\s+\w+|\b[A-Z]{2}\s+\d{5}\b)""",
            re.VERBOSE,
        ),
    ),
    (
        "disclaimer",
        ("medical advice", "consult your", "informational purposes"),
        re.compile(
            r"""(not\s+(be\s+)?(a\s+)?(substitute|replace(ment)?)\s+(for\s+)?(professional\s+)?
            medical\s+advice|consult\s+your\s+(own\s+)?(doctor|physician|healthcare)|
            for\s+informational\s+purposes\s+only)""",
            _I | re.VERBOSE,
        ),
    ),
    ("promotion", ("!",), re.compile(r"^[^.?]{0,120}!\s*$")),
)

# A whole line that is only a date or a byline.
DATE_LINE = re.compile(
    r"""^\W*(
        (published|updated|posted|last\s+(updated|reviewed))?\s*:?\s*
        ((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|
        \d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}|
        \d{4}-\d{2}-\d{2})
    )\W*$""",
    _I | re.VERBOSE,
)
BYLINE = re.compile(r"^\W*(by|written\s+by|author)\s*:?\s+\S.{0,80}$", _I)


def sentence_reason(text: str) -> str | None:
    """Why a sentence must never be quoted, or None when it may be."""
    low = text.lower()
    for reason, keywords, pattern in SENTENCE_RULES:
        if keywords is not None:
            for keyword in keywords:
                if keyword in low:
                    break
            else:
                continue
        if pattern.search(text):
            return reason
    return None
