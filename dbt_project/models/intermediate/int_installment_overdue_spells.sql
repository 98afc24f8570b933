{{ config(materialized='table') }}

{#- The overdue history of each installment as spells of constant outstanding amount: a spell
    starts on the first overdue day (due date + 1) and on every later day with a partial payment,
    and lasts until the next spell or the day the installment is paid in full (valid_to, exclusive;
    null while still overdue). States are end-of-day: a payment on day d lowers the amount
    outstanding on day d. Amounts at the due date's rate, so a balance moves only when money
    arrives. Snapshots at any date (month ends, contact dates) join on
    valid_from <= d and (valid_to is null or d < valid_to). -#}

with delinquent as (

    select
        installment_id,
        plan_id,
        due_date,
        amount_local,
        fx_rate_due,
        overdue_from_date,
        fully_paid_date
    from {{ ref('int_delinquent_installments') }}
    where was_delinquent

),

receipts as (

    select * from {{ ref('int_installment_receipts') }}

),

spell_starts as (

    -- the first overdue day, with what was received by its end
    select
        delinquent.installment_id,
        delinquent.overdue_from_date as valid_from,
        coalesce({{ exact_sum('receipts.received_local') }}, 0) as cum_received_local
    from delinquent
    left join receipts
        on receipts.installment_id = delinquent.installment_id
        and receipts.receipt_date <= delinquent.overdue_from_date
    group by delinquent.installment_id, delinquent.overdue_from_date

    union all

    -- each later day with a (partial) payment, before the day it is paid in full
    select
        delinquent.installment_id,
        receipts.receipt_date as valid_from,
        receipts.cum_received_local
    from delinquent
    inner join receipts
        on receipts.installment_id = delinquent.installment_id
        and receipts.receipt_date > delinquent.overdue_from_date
        and receipts.receipt_date < coalesce(delinquent.fully_paid_date, {{ open_end_date() }})

)

select
    delinquent.installment_id,
    delinquent.plan_id,
    delinquent.due_date,
    spell_starts.valid_from,
    coalesce(
        lead(spell_starts.valid_from) over (
            partition by spell_starts.installment_id order by spell_starts.valid_from
        ),
        delinquent.fully_paid_date
    ) as valid_to,
    greatest(delinquent.amount_local - spell_starts.cum_received_local, 0)
        as outstanding_local,
    greatest(delinquent.amount_local - spell_starts.cum_received_local, 0)
        * delinquent.fx_rate_due as outstanding_amount
from spell_starts
inner join delinquent on delinquent.installment_id = spell_starts.installment_id
