"""Small Streamlit pieces the pages share: the graph state, links, dates, the footer, and ``md``
for data shown through anything Streamlit renders as Markdown."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import compose, data
from graph.projection import Projection

PERSON_PAGE = "views/person.py"

# Every ASCII punctuation character: CommonMark lets each be backslash-escaped, and together they
# cover all Markdown syntax (links, images, emphasis, code, lists, headings, tables) as well as
# Streamlit's own (:red[…] colours, :material/…: icons, :emoji:, $maths$) and raw HTML.
_MARKDOWN = re.compile(r"([!-/:-@\[-`{-~])")
# GFM turns a bare web address into a link after escapes are undone, so an escape cannot stop it;
# an invisible word joiner just before it does (the text reads and prints the same).
_WEB_ADDRESS = re.compile(r"(?i)(https?:|www\.)")


def md(value) -> str:
    """``value`` as literal text inside Markdown: names, notes, file names, anything from data.

    st.markdown, st.write, st.caption, st.info/success/warning/error, headings, and the labels,
    values and help of metrics, buttons, page links, expanders and tabs all render Markdown; data
    passed through them unescaped could load images from anywhere or show links.
    """
    return _MARKDOWN.sub(r"\\\1", _WEB_ADDRESS.sub("\u2060\\1", str(value)))


class Halt(Exception):
    """Raised by a page that has said all it can; app.py catches it and still draws the footer.

    (st.stop() would also skip the footer, which marks the end of every run.)
    """


def key() -> data.Key:
    """The graph state app.py read at the start of this run."""
    return st.session_state["kith_key"]


def projection() -> Projection:
    """This run's projection; stops the page with a hint when the graph has no owner yet."""
    if data.owner(key()) is None:  # before reading the whole graph: a large import without an owner is slow
        _stop("Kith does not know who you are yet. Import your contacts on the **Import** page, or tell Kith "
              "your name with `kith me --name \"Your Name\"` (or load the demo network "
              "with `kith demo` in an empty KITH_HOME).")
    return data.projection(key())


def contacts(P: Projection) -> pd.DataFrame:
    """Everyone but you, for a page about one of them; stops the page with a hint when there is nobody yet."""
    people = compose.contacts(P)
    if people.empty:
        _stop("You have no contacts yet: add people with `kith person add NAME`, or import your contacts.")
    return people


def _stop(hint: str) -> None:
    """Say what the page needs, link to the Import page, and stop the page (the footer still shows)."""
    st.info(hint)
    st.page_link("views/import_files.py", label="Import your contacts", icon=":material/upload:")
    raise Halt


def person_link(P: Projection, person: str, text: str | None = None) -> None:
    """A link to ``person``'s page, labelled with their name (or ``text``, which is data: escaped)."""
    st.page_link(PERSON_PAGE, label=md(text or P.people["name"].get(person, person)),
                 query_params={"id": person}, icon=":material/person:")


def day(value) -> str:
    """'14 Mar 2026' for a timestamp, date or datetime; '' for nothing."""
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%d %b %Y")


def flash(message: str, icon: str = "✅") -> None:
    """Show ``message`` once on the next run (the page reruns after each write).

    ``message`` is Markdown: data in it must go through ``md``.
    """
    st.session_state["kith_flash"] = (message, icon)


def show_flash() -> None:
    if "kith_flash" in st.session_state:
        message, icon = st.session_state.pop("kith_flash")
        st.success(message, icon=icon)


def footer(k: data.Key, seconds: float) -> None:
    counts = data.counts(k)
    # The keyed container doubles as a marker that the page ran to its end (the browser tests wait for it).
    with st.container(key="kith-footer"):
        st.caption(f"Kith · {counts.get('people', 0)} people, {counts.get('interactions', 0)} interactions · "
                   f"reports as of {k.as_of:%d %b %Y} · page worked out in {seconds:.2f} s")
