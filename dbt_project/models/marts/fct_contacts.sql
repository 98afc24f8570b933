with contacts as (

    select * from {{ ref('int_contacts_enriched') }}

),

attribution as (

    select * from {{ ref('int_contact_attribution') }}

),

contact_cases as (

    select * from {{ ref('int_contact_cases') }}

)

select
    cast(contacts.contact_id as varchar) as contact_id,
    cast(contacts.customer_id as varchar) as customer_id,
    cast(contacts.plan_id as varchar) as plan_id,
    cast(contacts.merchant_id as varchar) as merchant_id,
    cast(contacts.country as varchar) as country,
    cast(contacts.plan_type as varchar) as plan_type,
    cast(contact_cases.case_id as varchar) as case_id,
    cast(contacts.channel as varchar) as channel,
    cast(contacts.direction as varchar) as direction,
    cast(contacts.stage as varchar) as stage,
    cast(contacts.template_id as varchar) as template_id,
    cast(contacts.sent_at as timestamp) as sent_at,
    cast(contacts.sent_date as date) as sent_date,
    cast(contacts.local_sent_at as timestamp) as local_sent_at,
    cast(contacts.local_send_hour as integer) as local_send_hour,
    cast(contacts.local_weekday as integer) as local_weekday,
    contacts.delivered_at is not null as is_delivered,
    contacts.opened_at is not null as is_opened,
    contacts.clicked_at is not null as is_clicked,
    contacts.replied_at is not null as is_replied,
    cast(contacts.call_outcome as varchar) as call_outcome,
    contacts.is_right_party_call = 1 as is_right_party,
    cast(contacts.team_id as varchar) as team_id,
    cast(contacts.team_type as varchar) as team_type,
    cast(contacts.agent_id as varchar) as agent_id,
    {{ stable_amount('coalesce(contacts.cost, 0)') }} as cost,
    cast(contacts.contacts_prev_7d as integer) as contacts_prev_7d,
    cast(contacts.calls_prev_7d as integer) as calls_prev_7d,
    cast(coalesce(contact_cases.days_past_due_at_send, 0) as integer) as days_past_due_at_send,
    {{ stable_amount('coalesce(contact_cases.overdue_amount_at_send, 0)') }} as overdue_amount_at_send,
    cast(attribution.promise_within_n_days as boolean) as promise_within_n_days,
    cast(attribution.paid_within_n_days as boolean) as paid_within_n_days,
    {{ stable_amount('attribution.paid_amount_within_n_days') }} as paid_amount_within_n_days,
    cast(contacts.is_out_of_hours as boolean) as is_out_of_hours,
    cast(contacts.is_call_over_cap as boolean) as is_call_over_cap,
    cast(contacts.is_call_within_7d_after_rpc as boolean) as is_call_within_7d_after_rpc,
    cast(contacts.is_contact_over_cap as boolean) as is_contact_over_cap
from contacts
inner join attribution on attribution.contact_id = contacts.contact_id
left join contact_cases on contact_cases.contact_id = contacts.contact_id
