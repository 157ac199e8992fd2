"""Give & ask: the favors between you and each contact, and what they call for."""

import streamlit as st

from dashboard import charts, data, ui

key = ui.key()
P = ui.projection()
st.title("Give & ask")
st.caption("Favors you did, received and asked for, per person. Relationships live on reciprocity: thank those "
           "who helped, and leave alone those who keep saying no.")

ledger = data.ledger(key)
if ledger.empty:
    st.info(data.why_empty("ledger", key))
    raise ui.Halt

refused = ledger[ledger["push_luck"].astype(bool)]
owed = ledger[ledger["thanks_owed"] > 0]
c1, c2 = st.columns(2)
with c1:
    st.subheader("Don't push your luck")
    if refused.empty:
        st.write("Nobody has said no to you three times.")
    for row in refused.itertuples():
        st.warning(f"**{ui.md(row.name)}**: asked {row.asked} times, never a yes ({row.no} no, {row.ignored} ignored). "
                   "Give before you ask again.", icon=":material/front_hand:")
with c2:
    st.subheader("Say thank you")
    if owed.empty:
        st.write("Every favor has been thanked.")
    for row in owed.itertuples():
        st.info(f"**{ui.md(row.name)}**: {row.thanks_owed} favor{'s' * (row.thanks_owed > 1)} not yet thanked.",
                icon=":material/volunteer_activism:")

st.subheader("The balance")
st.plotly_chart(charts.balance_figure(ledger), config={"displayModeBar": False})

st.subheader("The ledger")
table = ledger.assign(last_favor=ledger["last_favor"].dt.strftime("%Y-%m-%d"))
st.dataframe(table.drop(columns=["person"]), hide_index=True, column_config={
    "push_luck": st.column_config.CheckboxColumn("don't ask"),
    "thanks_owed": st.column_config.NumberColumn("thanks owed"),
    "balance": st.column_config.NumberColumn("balance", help="given − received − yes: above 0, you gave more"),
})
