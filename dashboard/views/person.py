"""Person: everything about one contact, your tie over time, and forms to log an interaction, edit
what you know about them (skills, needs, health notes …), record a favor and who they know."""

from datetime import datetime, time, timezone

import streamlit as st

from dashboard import actions, charts, compose, data, ui
from graph.edit import edit_towards
from graph.model import CHANNELS, FAVOR_DIRECTIONS, FAVOR_STATUSES, INTERACTION_KINDS
from kith.errors import KithError

key = ui.key()
P = ui.projection()
people = ui.contacts(P)
ui.show_flash()

# Which person: the ?id= of a link, else the picker's last choice, else your strongest tie.
ties = data.owner_ties(key)
wanted = st.query_params.get("id")
if wanted not in people.index:
    wanted = st.session_state.get("person_pick")
if wanted not in people.index:
    wanted = ties["strength"].idxmax() if not ties.empty else people.index[0]
ids = list(people.index)
pid = st.selectbox("Person", ids, index=ids.index(wanted), format_func=lambda i: compose.label(P, i),
                   key=f"person_pick_{wanted}")
st.session_state["person_pick"] = pid
st.query_params["id"] = pid

details = data.store().person(pid)
p = details.person
row = P.people.loc[pid]
st.title(ui.md(p.name))
role = " at ".join(x for x in (p.title, p.company) if x)
st.caption(ui.md(" · ".join(x for x in (role, p.location) if x)) or " ")

states = data.tie_states(key)
tie = ties.loc[pid] if pid in ties.index else None
state = states.loc[pid] if pid in states.index else None
m1, m2, m3, m4 = st.columns(4)
m1.metric("Your tie", f"{tie['strength']:.0f}/100" if tie is not None else "—", border=True,
          help="Tie strength from your interactions: recency, frequency, duration, reciprocity, channels.")
m2.metric("State", state["state"] if state is not None else "no history", border=True,
          help=ui.md(state["reason"]) if state is not None else None)
m3.metric("Last seen", ui.day(details.last_seen) or "never", border=True)
countdown = compose.birthday_countdown(row["birth_month"], row["birth_day"], row["birth_year"], key.as_of)
m4.metric("Birthday", countdown[0] if countdown else "unknown", delta=countdown[1] if countdown else None,
          delta_color="off", delta_arrow="off", border=True)

left, right = st.columns([1, 1.4])
with left:
    st.subheader("Details")
    facts = {
        "Goes by": p.nickname or "", "Emails": ", ".join(p.emails), "Phones": ", ".join(p.phones),
        "Links": ", ".join(p.urls),
        "How you met": "; ".join(x for x in (p.met_how, p.met_where) if x),
        "Connected on": ui.day(p.connected_on) or "", "Tags": ", ".join(p.tags),
        "Good at": ", ".join(p.skills), "Looking for": ", ".join(p.needs), "Interests": ", ".join(p.interests),
        "Children": ", ".join(p.children), "Openers": "; ".join(p.openers),
        "Keep in touch": f"every {p.cadence_days} days" if p.cadence_days else "",
        "Work": "; ".join(f"{j.get('title') or '?'} at {j.get('organization')}" for j in details.jobs),
        "Studied": "; ".join(str(s.get("school") or s.get("name") or "") for s in details.schools),
        "Knows": compose.knows_line(P, pid), "Interactions": str(details.interactions),
    }
    st.markdown("\n".join(f"- **{k}:** {ui.md(v)}" for k, v in facts.items() if v))
    if p.notes:
        st.markdown(f"**Notes:** {ui.md(p.notes)}")
    if p.health_notes:
        # Sensitive: never on screen unless asked for, and asked for again for each person.
        if st.toggle("Reveal health notes", key=f"health_{pid}", value=False):
            st.info(ui.md(p.health_notes), icon=":material/medical_information:")
    if tie is not None:
        st.caption(f"Your tie: {ui.md(tie['explain'])}.")
with right:
    st.subheader("Your tie over time")
    history = compose.timeline(P, pid)
    curve = data.strength_curve(key, pid)
    if curve.empty:
        st.write("You have no interactions with them yet.")
    else:
        st.plotly_chart(charts.strength_curve_figure(curve, history, key.as_of), config={"displayModeBar": False})
        if state is not None:
            st.caption(f"{state['state'].capitalize()}: {ui.md(state['reason'])} (risk of going silent "
                       f"{100 * state['risk']:.0f} %). The dashed line is how the tie fades if nobody gets in touch.")

tab_time, tab_favors, tab_circle, tab_intros = st.tabs(["Timeline", "Favors", "Circle", "Introductions"])
with tab_time:
    if history.empty:
        st.write("No interactions recorded.")
    else:
        st.dataframe(history.assign(at=history["at"].dt.strftime("%Y-%m-%d %H:%M")), hide_index=True, height=300)
with tab_favors:
    favors = compose.favors_with(P, pid)
    if favors.empty:
        st.write("No favors either way.")
    else:
        st.dataframe(favors.assign(at=favors["at"].dt.strftime("%Y-%m-%d")), hide_index=True)
with tab_circle:
    name, members = compose.circle_of(data.network(key), pid)
    if name is None:
        st.write("Not in any circle yet.")
    else:
        st.markdown(f"**Circle:** {ui.md(name)}")
        st.dataframe(members.assign(strength=members["strength"].round(0)), hide_index=True,
                     column_config={"knows": st.column_config.CheckboxColumn("knows them"),
                                    "strength": st.column_config.NumberColumn("your tie")})
with tab_intros:
    made = compose.introductions_with(P, pid)
    if not made.empty:
        st.markdown("**Recorded**")
        st.dataframe(made.assign(at=made["at"].dt.strftime("%Y-%m-%d")), hide_index=True)
    suggested = compose.suggestions_with(data.intros(key), pid)
    if not suggested.empty:
        st.markdown("**Suggested**")
        for s in suggested.itertuples():
            st.markdown(f"- **{ui.md(s.other)}** (score {s.score}): {ui.md(s.explanation)}")
    if made.empty and suggested.empty:
        st.write("No introductions involve them.")
    st.page_link("views/introductions.py", label="All introductions", icon=":material/handshake:")

st.subheader("Log an interaction")
with st.form("log_interaction", clear_on_submit=True):
    f1, f2, f3, f4 = st.columns(4)
    kind = f1.selectbox("What", INTERACTION_KINDS, key="log_kind")
    channel = f2.selectbox("How", CHANNELS, index=CHANNELS.index("message"), key="log_channel")
    on = f3.date_input("When", value=key.as_of, key="log_day")  # Kith's today (KITH_TODAY), not the browser's
    at_time = f4.time_input("At", value="now", key="log_time")
    summary = st.text_input("About", placeholder="what you talked about (optional)", key="log_summary")
    if st.form_submit_button("Log it", type="primary"):
        when = datetime.combine(on, at_time or time(12)).astimezone(timezone.utc)
        try:
            actions.log_interaction(data.store(), pid, kind=kind, channel=channel, at=when, summary=summary)
        except KithError as e:
            st.error(ui.md(e))
        else:
            ui.flash(f"Logged {kind} ({channel}) with {ui.md(p.name)} on {when:%d %b %Y}.")
            st.rerun()


# -- what the analytics use, entered by hand: each form one call, then the page again ---------


def _items(text: str, separator: str = ",") -> list[str]:
    return [x.strip() for x in text.split(separator) if x.strip()]


def _done(message: str) -> None:
    ui.flash(message)
    st.rerun()


st.subheader("Update what you know")
with st.expander("Edit details: skills, needs, interests, children, openers, tags, rhythm"):
    # Sensitive: the health notes field is there only when asked for, like the notes themselves.
    edit_health = st.toggle("Edit health notes", key=f"edit_health_{pid}", value=False)
    with st.form(f"edit_person_{pid}"):
        e1, e2 = st.columns(2)
        skills = e1.text_input("Good at (comma-separated)", ", ".join(p.skills), key=f"edit_skills_{pid}")
        needs = e2.text_input("Looking for (comma-separated)", ", ".join(p.needs), key=f"edit_needs_{pid}")
        interests = e1.text_input("Interests", ", ".join(p.interests), key=f"edit_interests_{pid}")
        children = e2.text_input("Children", ", ".join(p.children), key=f"edit_children_{pid}")
        tags = e1.text_input("Tags: how you know them", ", ".join(p.tags), key=f"edit_tags_{pid}")
        cadence = e2.number_input("Keep in touch every … days (0: Kith infers the rhythm)", min_value=0, step=1,
                                  value=int(p.cadence_days or 0), key=f"edit_cadence_{pid}")
        openers = st.text_area("Conversation openers (one a line)", "\n".join(p.openers), key=f"edit_openers_{pid}")
        health = st.text_area("Health notes", p.health_notes or "", key=f"edit_health_notes_{pid}") \
            if edit_health else None
        if st.form_submit_button("Save details", type="primary"):
            current = {"skills": p.skills, "needs": p.needs, "interests": p.interests, "children": p.children,
                       "tags": p.tags, "openers": p.openers}
            add, remove = edit_towards(current, {
                "skills": _items(skills), "needs": _items(needs), "interests": _items(interests),
                "children": _items(children), "tags": _items(tags), "openers": _items(openers, "\n")})
            scalars = {"cadence_days": cadence} if cadence != (p.cadence_days or 0) else {}
            if health is not None and health.strip() != (p.health_notes or ""):
                scalars["health_notes"] = health
            try:
                changes = actions.edit_person(data.store(), pid, add=add, remove=remove, set=scalars)
            except KithError as e:
                st.error(ui.md(e))
            else:
                _done(f"Saved {ui.md(p.name)}: {ui.md('; '.join(changes))}." if changes
                      else f"Nothing changed for {ui.md(p.name)}.")

WAYS = {"given": "you helped them", "received": "they helped you", "asked": "you asked them"}
with st.expander("Record a favor"):
    with st.form(f"record_favor_{pid}", clear_on_submit=True):
        v1, v2, v3 = st.columns(3)
        direction = v1.selectbox("Which way", FAVOR_DIRECTIONS, format_func=WAYS.get, key="favor_direction")
        favor_kind = v2.text_input("What", placeholder="referral, advice, intro …", key="favor_kind")
        status = v3.selectbox("Status", [None, *FAVOR_STATUSES], key="favor_status",
                              format_func=lambda s: s or "usual: pending if asked, else yes")
        v4, v5 = st.columns([1, 2])
        favor_day = v4.date_input("When", value=key.as_of, key="favor_day")  # Kith's today, not the browser's
        favor_note = v5.text_input("Note", key="favor_note")
        if st.form_submit_button("Record favor", type="primary"):
            try:
                fid = actions.record_favor(data.store(), pid, direction=direction, kind=favor_kind, status=status,
                                           at=datetime.combine(favor_day, time(12), timezone.utc), note=favor_note)
            except KithError as e:
                st.error(ui.md(e))
            else:
                _done(f"Recorded: {WAYS[direction]} ({ui.md(favor_kind.strip())}), {ui.md(fid)}.")
    asks = data.store().pending_asks(pid)
    if asks:
        st.markdown(f"**Waiting for an answer:** {len(asks)} ask{'s' * (len(asks) != 1)}")
        a1, a2, a3 = st.columns([2, 1, 1])
        ask = a1.selectbox("Ask", [a["id"] for a in asks], key=f"answer_ask_{pid}",
                           format_func=lambda i: next(f"{a['kind']} ({ui.day(a['at'])})" for a in asks if a["id"] == i))
        answer = a2.radio("Answer", ("yes", "no", "ignored"), key=f"answer_value_{pid}", horizontal=True)
        if a3.button("Record answer", key=f"answer_go_{pid}"):
            try:
                actions.answer_favor(data.store(), pid, answer, ask)
            except KithError as e:
                st.error(ui.md(e))
            else:
                _done(f"Recorded {ui.md(p.name)}'s answer: {answer}.")

with st.expander("Who they know"):
    others = [i for i in ids if i not in (pid, P.owner)]
    k1, k2 = st.columns([1, 1])
    other = k1.selectbox("Knows", others, index=None, placeholder="pick someone", key=f"knows_other_{pid}",
                         format_func=lambda i: compose.label(P, i))
    context = k2.text_input("How they know each other", key=f"knows_context_{pid}")
    if st.button("They know each other", key=f"knows_go_{pid}", disabled=other is None):
        try:
            actions.link_people(data.store(), pid, other, context=context)
        except KithError as e:
            st.error(ui.md(e))
        else:
            _done(f"Noted: {ui.md(p.name)} knows {ui.md(compose.label(P, other))}.")
