"""Keep in touch: who is due, with a reason to reach out; "Done" logs the interaction."""

import streamlit as st

from dashboard import actions, compose, data, ui
from graph.model import CHANNELS

key = ui.key()
P = ui.projection()
st.title("Keep in touch")
st.caption("People whose usual rhythm of contact says it is time, most pressing first, each with a good reason. "
           "When you have been in touch, press **Done**: Kith logs it.")
ui.show_flash()

todo = data.keep_in_touch(key)  # without the people you were in touch with today
done = data.done_today(key)

statuses = ["due", "due soon", "later"]
c1, c2 = st.columns([2, 1])
show = c1.pills("Show", statuses, selection_mode="multi", default=statuses, key="kit_status")
channel = c2.selectbox("Done means I reached out by", CHANNELS, index=CHANNELS.index("message"), key="kit_channel")
todo = todo[todo["status"].isin(show or statuses)]

if todo.empty:
    st.info(data.why_empty("keep-in-touch", key))
LAYER = {"inner": "inner circle", "close": "close", "good": "good friend", "meaningful": "meaningful",
         "acquaintance": "acquaintance"}
for row in todo.itertuples():
    with st.container(border=True):
        a, b, c, d = st.columns([2.2, 4.5, 1.5, 1])
        with a:
            ui.person_link(P, row.person)
            st.caption(f"{ui.md(LAYER.get(row.layer, row.layer))} · your tie {row.strength:.0f}")
        b.markdown(f"**{ui.md(row.reason)}**")
        c.markdown(f":{'red' if row.status == 'due' else 'orange' if row.status == 'due soon' else 'gray'}"
                   f"[{row.status}]  \n" + compose.overdue_text(row.overdue_days))
        if d.button("Done", key=f"done_{row.person}", type="primary", icon=":material/check:"):
            actions.log_interaction(data.store(), row.person, kind=row.reason_kind, channel=channel,
                                    summary=f"{row.reason} (from Keep in touch)")
            ui.flash(f"Logged {ui.md(row.reason_kind)} with {ui.md(row.name)}.")
            st.rerun()

if done:
    st.subheader("Done today")
    st.markdown(", ".join(ui.md(n) for n in sorted(compose.name_of(P, p) for p in done)))

birthdays = compose.upcoming_birthdays(P, key.as_of, 14)
if not birthdays.empty:
    st.subheader("Birthdays in the next two weeks")
    for row in birthdays.itertuples():
        st.markdown(f"- **{ui.md(row.name)}**, {ui.md(compose.birthday_line(row))}")
