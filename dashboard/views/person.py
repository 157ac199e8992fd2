"""Person: everything about one contact, your tie over time, and a form to log an interaction."""

from datetime import datetime, time, timezone

import streamlit as st

from dashboard import actions, charts, compose, data, ui
from graph.model import CHANNELS, INTERACTION_KINDS
from kith.errors import KithError

key = ui.key()
P = ui.projection()
people = compose.contacts(P)
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
st.title(p.name)
role = " at ".join(x for x in (p.title, p.company) if x)
st.caption(" · ".join(x for x in (role, p.location) if x) or " ")

states = data.tie_states(key)
tie = ties.loc[pid] if pid in ties.index else None
state = states.loc[pid] if pid in states.index else None
m1, m2, m3, m4 = st.columns(4)
m1.metric("Your tie", f"{tie['strength']:.0f}/100" if tie is not None else "—", border=True,
          help="Tie strength from your interactions: recency, frequency, duration, reciprocity, channels.")
m2.metric("State", state["state"] if state is not None else "no history", border=True,
          help=state["reason"] if state is not None else None)
m3.metric("Last seen", ui.day(details.last_seen) or "never", border=True)
countdown = compose.birthday_countdown(row["birth_month"], row["birth_day"], row["birth_year"], key.as_of)
m4.metric("Birthday", countdown[0] if countdown else "unknown", delta=countdown[1] if countdown else None,
          delta_color="off", delta_arrow="off", border=True)

left, right = st.columns([1, 1.4])
with left:
    st.subheader("Details")
    facts = {
        "Emails": ", ".join(p.emails), "Phones": ", ".join(p.phones),
        "How you met": "; ".join(x for x in (p.met_how, p.met_where) if x), "Tags": ", ".join(p.tags),
        "Good at": ", ".join(p.skills), "Looking for": ", ".join(p.needs), "Interests": ", ".join(p.interests),
        "Children": ", ".join(p.children),
        "Work": "; ".join(f"{j.get('title') or '?'} at {j.get('organization')}" for j in details.jobs),
        "Studied": "; ".join(str(s.get("school") or s.get("name") or "") for s in details.schools),
        "Knows": f"{details.knows} of your contacts", "Interactions": str(details.interactions),
    }
    st.markdown("\n".join(f"- **{k}:** {v}" for k, v in facts.items() if v))
    if p.notes:
        st.markdown(f"**Notes:** {p.notes}")
    if p.health_notes:
        # Sensitive: never on screen unless asked for, and asked for again for each person.
        if st.toggle("Reveal health notes", key=f"health_{pid}", value=False):
            st.info(p.health_notes, icon=":material/medical_information:")
    if tie is not None:
        st.caption(f"Your tie: {tie['explain']}.")
with right:
    st.subheader("Your tie over time")
    history = compose.timeline(P, pid)
    curve = data.strength_curve(key, pid)
    if curve.empty:
        st.write("You have no interactions with them yet.")
    else:
        st.plotly_chart(charts.strength_curve_figure(curve, history, key.as_of), config={"displayModeBar": False})
        if state is not None:
            st.caption(f"{state['state'].capitalize()}: {state['reason']} (risk of going silent "
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
        st.markdown(f"**Circle:** {name}")
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
            st.markdown(f"- **{s.other}** (score {s.score}): {s.explanation}")
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
            st.error(str(e))
        else:
            ui.flash(f"Logged {kind} ({channel}) with {p.name} on {when:%d %b %Y}.")
            st.rerun()
