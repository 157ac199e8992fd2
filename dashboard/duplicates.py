"""Possible duplicates, resolved on the Import page: merge the pair, or say they are different people.

The same candidates as ``kith merge --list`` (``usecases.merge_candidates``) and the same store
calls as ``kith merge KEEP DROP`` and ``kith merge --not-same A B``; every merge can be undone
with ``kith merge --undo``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import actions, ui
from graph.store import Store
from kith import usecases
from kith.errors import KithError

SHOWN = 8  # the best-scored pairs; resolving one brings up the next


def review(store: Store) -> None:
    candidates = usecases.merge_candidates(store)
    if not candidates:
        return
    with st.expander(f"Possible duplicates to check ({len(candidates)})", expanded=True):
        st.caption("A name alone never merges two people: say whether each pair is one human. The first one is "
                   "kept and the other merged into it; `kith merge --undo` takes a merge back.")
        for c in candidates[:SHOWN]:
            keep, drop = c["keep"], c["drop"]
            names = c["keep_name"] if c["keep_name"] == c["drop_name"] else f"{c['keep_name']} / {c['drop_name']}"
            text, merge, differ = st.columns([4, 1, 1], vertical_alignment="center")
            why = f"{c['reason']} ({c['score']:.0f})" + (f"; {c['evidence']}" if c["evidence"] else "")
            # Ids are data too (an import may set them): escaped, not put in code spans they could close.
            text.markdown(f"**{ui.md(names)}** · {ui.md(keep)} ← {ui.md(drop)} · {ui.md(why)}")
            try:
                if merge.button("Merge", key=f"merge_{keep}_{drop}", icon=":material/merge:"):
                    merge_id = actions.merge(store, keep, drop)
                    ui.flash(f"Merged {ui.md(c['drop_name'])} ({ui.md(drop)}) into {ui.md(c['keep_name'])} ({ui.md(keep)}); "
                             f"undo with `kith merge --undo {merge_id}`.")
                    st.rerun()
                if differ.button("Not the same", key=f"notsame_{keep}_{drop}"):
                    actions.not_same(store, keep, drop)
                    ui.flash(f"Noted: {ui.md(c['keep_name'])} and {ui.md(c['drop_name'])} are different people.")
                    st.rerun()
            except KithError as e:
                st.error(ui.md(e))
