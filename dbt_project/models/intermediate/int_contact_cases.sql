{{ config(materialized='view') }}

{#- The collection case each contact belongs to (its plan's case open on the send date, closing day
    included) and the plan's overdue state that day: highest days past due and amount outstanding. -#}

with contacts as (

    select contact_id, plan_id, cast(sent_at as date) as sent_date
    from {{ ref('stg_contacts') }}
    where plan_id is not null

),

cases as (

    select case_id, plan_id, opened_date, closed_date
    from {{ ref('int_collection_cases') }}

),

spells as (

    select * from {{ ref('int_installment_overdue_spells') }}

),

contact_case as (

    select contacts.contact_id, cases.case_id
    from contacts
    inner join cases
        on cases.plan_id = contacts.plan_id
        and contacts.sent_date >= cases.opened_date
        and contacts.sent_date <= coalesce(cases.closed_date, {{ open_end_date() }})

),

overdue_state as (

    select
        contacts.contact_id,
        max({{ days_between('spells.due_date', 'contacts.sent_date') }}) as days_past_due_at_send,
        {{ exact_sum('spells.outstanding_amount') }} as overdue_amount_at_send
    from contacts
    inner join spells
        on spells.plan_id = contacts.plan_id
        and spells.valid_from <= contacts.sent_date
        and (spells.valid_to is null or contacts.sent_date < spells.valid_to)
    group by contacts.contact_id

)

select
    contacts.contact_id,
    contact_case.case_id,
    coalesce(overdue_state.days_past_due_at_send, 0) as days_past_due_at_send,
    coalesce(overdue_state.overdue_amount_at_send, 0) as overdue_amount_at_send
from contacts
left join contact_case on contact_case.contact_id = contacts.contact_id
left join overdue_state on overdue_state.contact_id = contacts.contact_id
