"""Introductions: pairs of your contacts who should meet; accept records it and gives a draft."""

import streamlit as st

from dashboard import actions, compose, data, ui
from kith.errors import KithError

key = ui.key()
P = ui.projection()
st.title("Introductions worth making")
st.caption("Pairs of your contacts who do not know each other yet and would gain from meeting, best first. "
           "**Introduce** records the introduction and gives you a message to send; **Not this pair** "
           "means Kith will not suggest them again.")
ui.show_flash()

# Drafts of introductions accepted in this browser session, newest first, until dismissed.
drafts = st.session_state.setdefault("intro_drafts", [])
for i, (title, text) in enumerate(drafts):
    with st.container(border=True):
        st.markdown(f"**Draft message: {title}**")
        st.code(text, language=None, wrap_lines=True)
        if st.button("Dismiss", key=f"dismiss_{i}"):
            drafts.pop(i)
            st.rerun()

suggestions = data.intros(key)
if suggestions.empty:
    st.info("No suggestions right now: Kith needs people you know fairly well, with skills, needs or interests.")
PARTS = {"complementarity": "one can help the other", "common_ground": "common ground",
         "structural": "the network brings them close", "bridging": "different circles"}
for row in suggestions.itertuples():
    with st.container(border=True):
        head, score = st.columns([5, 1])
        head.markdown(f"#### {row.a_name} ↔ {row.b_name}")
        score.metric("score", f"{row.score:.0f}")
        st.write(row.explanation)
        st.caption(" · ".join(f"{label} {100 * getattr(row, part):.0f} %" for part, label in PARTS.items()))
        b1, b2, b3, _ = st.columns([1, 1, 1.4, 3])
        if b1.button("Introduce", key=f"accept_{row.a}_{row.b}", type="primary", icon=":material/handshake:"):
            try:
                actions.introduce(data.store(), row.a, row.b)
            except KithError as e:
                st.error(str(e))
            else:
                drafts.insert(0, (f"{row.a_name} ↔ {row.b_name}", row.draft))
                ui.flash(f"Recorded: you introduced {row.a_name} and {row.b_name}.")
                st.rerun()
        if b2.button("Not this pair", key=f"decline_{row.a}_{row.b}", icon=":material/block:"):
            actions.introduce(data.store(), row.a, row.b, declined=True)
            ui.flash(f"Noted: Kith will not suggest {row.a_name} and {row.b_name} again.", icon="🚫")
            st.rerun()
        with b3.popover("Preview message"):
            st.write(row.draft)

made = P.introductions.sort_values("at", ascending=False)
if not made.empty:
    st.subheader("Introductions you have recorded")
    table = made.assign(**{"when": made["at"].dt.strftime("%Y-%m-%d"),
                           "between": [f"{compose.name_of(P, a)} & {compose.name_of(P, b)}"
                                       for a, b in zip(made["a"], made["b"])]})
    st.dataframe(table[["when", "between", "status", "outcome"]], hide_index=True)
