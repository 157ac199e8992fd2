"""Home: the network at a glance; each number links to the page that acts on it."""

import streamlit as st

from dashboard import charts, compose, data, ui

key = ui.key()
P = ui.projection()
me = compose.name_of(P, P.owner)
st.title(f"Hello, {ui.md((me.split() or [me])[0])}")
st.caption(f"Your network as of {key.as_of:%A %d %B %Y}.")

states = data.tie_states(key)
counts = compose.state_counts(states)
queue = data.keep_in_touch(key)
due = queue[queue["status"].isin(["due", "due soon"])]  # people seen today are already left out
birthdays = compose.upcoming_birthdays(P, key.as_of, 14)
ledger = data.ledger(key)
intros = data.intros(key)

cols = [*st.columns(3), *st.columns(3)]  # two rows: the labels stay whole
with cols[0]:
    st.metric("People", len(P.people) - 1, help="Everyone in your graph but you.", border=True)
    st.page_link("views/network.py", label="See the network", icon=":material/hub:")
with cols[1]:
    st.metric("Active ties", counts["active"], help="Ties in their usual rhythm of contact.", border=True)
    st.page_link("views/network.py", label="Who they are", icon=":material/hub:")
with cols[2]:
    st.metric("Cooling or at risk", counts["cooling"] + counts["at risk"],
              delta=f"{counts['at risk']} at risk", delta_color="off", delta_arrow="off",
              help="Ties quieter than usual for them (cooling), or likely to go silent (at risk). "
                   f"{counts['dormant']} more are dormant.", border=True)
    st.page_link("views/keep_in_touch.py", label="Get back in touch", icon=":material/schedule:")
with cols[3]:
    st.metric("Due this week", len(due), help="People due, or due within a week, for their usual rhythm.",
              border=True)
    st.page_link("views/keep_in_touch.py", label="Keep in touch", icon=":material/schedule:")
with cols[4]:
    st.metric("Birthdays, next 14 days", len(birthdays), border=True)
    st.page_link("views/keep_in_touch.py", label="Send wishes", icon=":material/cake:")
with cols[5]:
    balance = int(ledger["balance"].sum()) if not ledger.empty else 0
    warn = int(ledger["push_luck"].sum()) if not ledger.empty else 0
    st.metric("Give & ask balance", f"{balance:+d}", delta=f"{warn} not to ask again" if warn else None,
              delta_color="inverse", delta_arrow="off",
              help="Favors you did minus favors you received or were granted: above zero, you have given more.",
              border=True)
    st.page_link("views/give_ask.py", label="The ledger", icon=":material/balance:")

st.plotly_chart(charts.states_figure(counts), config={"displayModeBar": False})

left, middle, right = st.columns(3)
with left:
    st.subheader("Due this week")
    if due.empty:
        st.write(data.why_empty("keep-in-touch", key))
    for row in due.head(6).itertuples():
        ui.person_link(P, row.person)
        st.caption(ui.md(row.reason))
with middle:
    st.subheader("Birthdays")
    if birthdays.empty:
        st.write("No birthdays in the next two weeks.")
    for row in birthdays.head(6).itertuples():
        ui.person_link(P, row.person)
        st.caption(compose.birthday_line(row))
with right:
    st.subheader("Introductions worth making")
    if intros.empty:
        st.write(data.why_empty("intros", key))
    for row in intros.head(3).itertuples():
        st.markdown(f"**{ui.md(row.a_name)}** ↔ **{ui.md(row.b_name)}**")
        st.caption(ui.md(row.explanation.split(". ")[0] + "."))
    st.page_link("views/introductions.py", label="All suggestions", icon=":material/handshake:")
