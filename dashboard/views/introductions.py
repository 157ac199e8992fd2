"""Introductions, double opt-in: where each stands, the next step, the three drafts; and pairs worth starting."""

import streamlit as st

from dashboard import actions, compose, data, ui
from graph import introductions as flow
from graph.model import INTRODUCTION_OUTCOMES, INTRODUCTION_STATUSES
from kith import introductions as uc
from kith.errors import KithError

key = ui.key()
P = ui.projection()
store = data.store()
st.title("Introductions")
st.caption("Double opt-in: ask A whether they want to meet B, then (A willing) ask B, and only when both said "
           "yes send the introduction to both. Each step is recorded with its date; Kith writes the messages.")
ui.show_flash()


def act(done_message: str, write) -> None:
    """Run one write; a refused step is shown, not raised."""
    try:
        write()
    except KithError as e:
        st.error(ui.md(e))
    else:
        ui.flash(done_message)
        st.rerun()


# -- where each introduction stands ------------------------------------------------------------

board = compose.introduction_board(uc.standings(store))
st.subheader("Where your introductions stand")
if board.empty:
    st.info("No introductions yet: **Start** one of the suggestions below.")
else:
    for status in INTRODUCTION_STATUSES:
        group = board[board["status"] == status]
        if not group.empty:
            label = uc.STATE_LABELS[status]
            st.markdown(f"**{label[0].upper()}{label[1:]}** ({len(group)})")
            st.dataframe(group[["between", "state", "waiting on", "since", "next"]], hide_index=True)

    labels = dict(zip(board["id"], board["between"] + " — " + board["state"]))
    if "intro_pick" in st.session_state:  # just started on this page: show that one
        st.session_state["intro_selected"] = st.session_state.pop("intro_pick")
    if st.session_state.get("intro_selected") not in labels:
        st.session_state.pop("intro_selected", None)
    chosen = st.selectbox("Introduction", list(labels), format_func=labels.get, key="intro_selected")
    intro = store.introduction_between(*board.loc[board["id"] == chosen, ["a", "b"]].iloc[0])
    row = uc.standing(intro, store.names([intro.a, intro.b]))
    # Escaped once here: every label, title and message below that names them is Markdown.
    a, b, between = ui.md(row.a_name), ui.md(row.b_name), ui.md(row.between)
    with st.container(border=True):
        st.markdown(f"#### {between}")
        st.markdown(f"**{ui.md(row.state)}** since {row.since:%Y-%m-%d}"
                    + (f" · next: {ui.md(row.next_step)}" if row.next_step else ""))
        if intro.why:
            st.caption(f"Why: {ui.md(intro.why)}")
        if intro.note:
            st.caption(f"Note: {ui.md(intro.note)}")

        step_labels = {"asked-a": f"Asked {a}", "a-agreed": f"{a} agreed", "asked-b": f"Asked {b}",
                       "agreed": f"{b} agreed", "made": "Introduction sent"}
        steps = [s for s in flow.allowed(intro.status) if s in step_labels]
        decliners = flow.CAN_DECLINE.get(intro.status, ())
        if steps or decliners:
            cols = st.columns(len(steps) + len(decliners) + 1)
            for col, step in zip(cols, steps):
                if col.button(step_labels[step], key=f"step_{intro.id}_{step}", type="primary"):
                    act(f"{between}: {step}.", lambda step=step: actions.introduction_step(store, intro.a, intro.b, step))
            who = {"a": f"{a} said no", "b": f"{b} said no", "you": "Stop (you)"}
            for col, by in zip(cols[len(steps):], decliners):
                if col.button(who[by], key=f"no_{intro.id}_{by}"):
                    act(f"{between}: declined; Kith will not suggest them again.",
                        lambda by=by: actions.introduction_step(store, intro.a, intro.b, "declined", by=by))
        if intro.status == "made":
            with st.form(f"outcome_{intro.id}"):
                outcome = st.radio("How did it go?", INTRODUCTION_OUTCOMES, horizontal=True,
                                   index=INTRODUCTION_OUTCOMES.index(intro.outcome) if intro.outcome else None)
                note = st.text_input("What happened (optional)")
                if st.form_submit_button("Record outcome"):
                    if outcome is None:
                        st.error("choose good, neutral or bad")
                    else:
                        act(f"{between}: {outcome}.",
                            lambda: actions.introduction_outcome(store, intro.a, intro.b, outcome, note=note))

        drafts = uc.drafts(store, intro)
        following = flow.next_message(intro)
        titles = {"to_a": f"1. To {a}: would you like to meet {b}?",
                  "to_b": f"2. To {b}: {a} agreed, would you like to meet?", "joint": "3. To both: the introduction"}
        for k, title in titles.items():
            st.markdown(f"**{title}**" + (" — send this next" if k == following else ""))
            st.code(drafts[k], language=None, wrap_lines=True)

# -- pairs worth introducing --------------------------------------------------------------------

st.subheader("Introductions worth making")
st.caption("Pairs of your contacts who do not know each other yet and would gain from meeting, best first. "
           "**Start** records it (nobody is asked yet) and shows the messages; **Not this pair** means Kith "
           "will not suggest them again.")
suggestions = data.intros(key)
if suggestions.empty:
    st.info(data.why_empty("intros", key))
PARTS = {"complementarity": "one can help the other", "common_ground": "common ground",
         "structural": "the network brings them close", "bridging": "different circles"}
for s in suggestions.itertuples():
    with st.container(border=True):
        head, score = st.columns([5, 1])
        head.markdown(f"#### {ui.md(s.a_name)} ↔ {ui.md(s.b_name)}")
        score.metric("score", f"{s.score:.0f}")
        st.markdown(ui.md(s.explanation))
        st.caption(" · ".join(f"{label} {100 * getattr(s, part):.0f} %" for part, label in PARTS.items()))
        b1, b2, b3, _ = st.columns([1, 1, 1.4, 3])
        if b1.button("Start", key=f"start_{s.a}_{s.b}", type="primary", icon=":material/handshake:"):
            def start(s=s):
                st.session_state["intro_pick"] = actions.start_introduction(store, s.a, s.b, why=s.explanation)
            act(f"Started: {ui.md(s.a_name)} ↔ {ui.md(s.b_name)}. Ask {ui.md((s.a_name.split() or [''])[0])} first.",
                start)
        if b2.button("Not this pair", key=f"skip_{s.a}_{s.b}", icon=":material/block:"):
            act(f"Noted: Kith will not suggest {ui.md(s.a_name)} and {ui.md(s.b_name)} again.",
                lambda s=s: actions.start_introduction(store, s.a, s.b, declined=True))
        with b3.popover("Preview message"):
            st.text(s.draft)
