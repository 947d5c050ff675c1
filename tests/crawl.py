"""Walk a signed-in user's pages by following links, and read each page as its user sees it.

`crawl` starts at a page and follows every same-site link (one page per URL shape: digits become
N, query values are dropped) until `limit`; `visible(html)` is the text a reader sees — text nodes
and the title, aria-label, placeholder and alt attributes — without <code>, <pre>, scripts, styles
and what users typed (input values, textareas), which may legitimately hold anything.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

SKIPPED = re.compile(r"\.(csv|xlsx|pdf|png|ico|json)$|^/logout|^/api/|^/static/|/lampiran/\d+$")
HIDDEN = {"code", "pre", "script", "style", "textarea", "kbd", "samp", "template"}
READ_ATTRS = ("title", "aria-label", "placeholder", "alt")


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.none_attrs: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._hidden += 1
        for name, value in attrs:
            if value in ("None", "none") and name not in ("display",):
                self.none_attrs.append(f"<{tag} {name}={value!r}>")
            if name in READ_ATTRS and value:
                self.text.append(value)
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def read(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def shape(url: str) -> str:
    """/laporan/141/bagian/neraca?page=2 -> /laporan/N/bagian/neraca?page="""
    parts = urlsplit(url)
    query = "&".join(sorted(p.split("=")[0] + "=" for p in parts.query.split("&") if p))
    return re.sub(r"\d+", "N", parts.path) + ("?" + query if query else "")


def crawl(client, start: str, limit: int = 80):
    """Yield (url, response) for each page reached from `start`, one per URL shape."""
    seen, queue = set(), deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        response = client.get(url)
        yield url, response
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        for href in read(response.get_data(as_text=True)).links:
            target = urlsplit(urljoin("http://localhost" + url, href))
            if target.netloc != "localhost" or SKIPPED.search(target.path):
                continue
            link = target.path + ("?" + target.query if target.query else "")
            if shape(link) not in seen:
                queue.append(link)
