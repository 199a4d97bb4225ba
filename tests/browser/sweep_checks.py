"""What the browser sweep (tests/browser/test_sweep.py) checks on each page, apart from axe.

``PAGE_CHECKS`` runs in the page and returns what a person would trip over: the page scrolling
sideways (with the elements that stick out), "Log out" off-screen, and the texts a person reads
or hears (text nodes and the labels screen readers announce) in <main> and the header, so that
``english_left`` can compare them with the language's catalogue.

The catalogue is the project's own (locale/<lang>/LC_MESSAGES/django.po): a text equal to one of
its msgids whose translation differs, or that is not translated yet, is English left in a
translated page.
"""

import re
from functools import cache
from pathlib import Path

import polib
from django.conf import settings

# Listening before any page script runs (add_init_script is not governed by the CSP).
LISTEN_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || ""}:${e.lineNumber}`);
});
"""

PAGE_CHECKS = """() => {
  const width = window.innerWidth;
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 3).map((c) => '.' + c).join('');
  const doc = document.documentElement;
  if (doc.scrollWidth > width + 1) {
    // The outermost elements sticking out of the window, not those inside a scroll container.
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
      }
      return false;
    };
    const out = [...document.body.querySelectorAll('*')].filter((el) => {
      const r = el.getBoundingClientRect();
      if (!(r.width && r.right > width + 1) || clipped(el)) return false;
      const parent = el.parentElement.getBoundingClientRect();
      return parent.right <= width + 1;
    });
    const right = (el) => Math.round(el.getBoundingClientRect().right);
    const sticking = out.slice(0, 4).map((el) => `${name(el)} to ${right(el)}px`);
    if (!sticking.length) {
      // No box sticks out: a word longer than its box does (no hyphenation, no break).
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node && sticking.length < 4; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        const r = range.getBoundingClientRect();
        // (not the visually hidden text for screen readers: a 1 px box that clips it)
        if (r.width && r.right > width + 1 && !clipped(node.parentElement)
            && node.parentElement.getBoundingClientRect().width > 1)
        {
          const words = node.textContent.trim().slice(0, 40);
          const box = name(node.parentElement);
          sticking.push(`text "${words}" in ${box} to ${Math.round(r.right)}px`);
        }
      }
    }
    problems.push(`scrolls sideways: ${doc.scrollWidth}px in ${width}px (${sticking.join(', ')})`);
  }
  for (const el of document.querySelectorAll('form[action*="/logout/"] [type=submit]')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > width + 1 || r.left < 0))
      problems.push(`"Log out" is off-screen (${Math.round(r.left)} to ${Math.round(r.right)}px)`);
  }
  // Texts a person reads or hears, in the header and <main>; not those marked as another
  // language (lang="en" on a language's own name) or as not to translate.
  const texts = new Set();
  const skip = (el) => !el || el.closest('script, style, template, [translate=no]')
    || (el.closest('[lang]') && el.closest('[lang]').getAttribute('lang') !== doc.lang);
  for (const root of document.querySelectorAll('header, main')) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = node.textContent.replace(/\\s+/g, ' ').trim();
      if (!text || skip(el) || !el.checkVisibility()) continue;
      texts.add(text);
    }
    for (const el of root.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
      if (skip(el)) continue;
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        const text = (el.getAttribute(attr) || '').replace(/\\s+/g, ' ').trim();
        if (text) texts.add(text);
      }
    }
  }
  return {lang: doc.lang, problems, texts: [...texts]};
}"""


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def translated_msgids(language: str) -> frozenset[str]:
    """The catalogue's msgids a page in ``language`` must not show as they are: those whose
    translation differs from them, and those not translated yet (empty or fuzzy, which gettext
    shows in English). Less the words that are also a translation in that language (Romanian
    "Date" translates "Data") or are their own translation somewhere ("Hackathon")."""
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    differ, same = set(), set()
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        untranslated = not entry.translated()  # empty, or fuzzy (left out when compiled)
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for msgid, msgstr in pairs:
            msgid, msgstr = _normal(msgid), _normal(msgstr)
            if "%(" in msgid or "{" in msgid:
                continue  # with placeholders: never shown as such
            if untranslated or msgstr != msgid:
                differ.add(msgid)
            else:
                same.add(msgid)
            if not untranslated:
                same.add(msgstr)
    return frozenset(differ - same)


def english_left(language: str, texts: list[str], user_texts: frozenset[str]) -> list[str]:
    """The texts of a page in ``language`` that are English its catalogue translates."""
    if language == settings.LANGUAGE_CODE:
        return []
    english = translated_msgids(language)
    return sorted(t for t in texts if t in english and t not in user_texts)
