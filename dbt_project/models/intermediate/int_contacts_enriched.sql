{{ config(materialized='view') }}

{#- Contacts with the customer's local send time, the plan's merchant, the country's contact rules
    and the customer's recent contact pressure: contacts, outbound calls and right-party
    conversations in the 7 days before each contact (the contact itself excluded).
    A view read by fct_contacts alone, which writes these rows once; models needing only the
    contacts' keys and dates read stg_contacts, the compliance marts read fct_contacts. -#}

with contacts as (

    select * from {{ ref('stg_contacts') }}
    where cast(sent_at as date) <= (select as_of_date from {{ ref('int_as_of_date') }})

),

customers as (

    -- a timezone the engine does not know gives no local time (null) rather than a failed build
    select customers.customer_id, customers.country, known_timezones.timezone
    from {{ ref('stg_customers') }} as customers
    left join ({{ known_timezones() }}) as known_timezones
        on known_timezones.timezone = customers.timezone

),

plans as (

    select plan_id, merchant_id, plan_type from {{ ref('stg_plans') }}

),

rules as (

    select * from {{ ref('int_country_contact_rules') }}

),

team_types as (

    select team_id, min(team_type) as team_type
    from {{ ref('stg_allocations') }}
    group by team_id

),

pressure as (

    -- the customer's contacts, outbound calls and right-party conversations in the 7 days before
    -- each contact, on narrow rows so the window's sort carries little
    select
        contact_id,
        is_outbound,
        is_outbound_call,
        is_right_party_call,
        count(*) over last_7_days - 1 as contacts_prev_7d,
        sum(is_outbound) over last_7_days - is_outbound as outbound_prev_7d,
        sum(is_outbound_call) over last_7_days - is_outbound_call as calls_prev_7d,
        sum(is_right_party_call) over last_7_days - is_right_party_call as right_party_prev_7d
    from (
        select
            contact_id,
            customer_id,
            sent_at,
            {{ flag("direction = 'outbound'") }} as is_outbound,
            {{ flag(is_outbound_call()) }} as is_outbound_call,
            {{ flag("channel = 'call' and call_outcome = 'right_party'") }} as is_right_party_call
        from contacts
    ) as narrow
    window last_7_days as (
        partition by customer_id
        order by sent_at
        range between interval 7 days preceding and current row
    )

),

windowed as (

    select
        contacts.*,
        customers.country,
        plans.merchant_id,
        plans.plan_type,
        team_types.team_type,
        {{ to_local_timestamp('contacts.sent_at', 'customers.timezone') }} as local_sent_at,
        pressure.is_outbound,
        pressure.is_outbound_call,
        pressure.is_right_party_call,
        pressure.contacts_prev_7d,
        pressure.outbound_prev_7d,
        pressure.calls_prev_7d,
        pressure.right_party_prev_7d
    from contacts
    inner join pressure on pressure.contact_id = contacts.contact_id
    inner join customers on customers.customer_id = contacts.customer_id
    left join plans on plans.plan_id = contacts.plan_id
    left join team_types on team_types.team_id = contacts.team_id

),

with_rules as (

    select
        windowed.*,
        cast(windowed.sent_at as date) as sent_date,
        {{ hour_of('windowed.local_sent_at') }} as local_send_hour,
        {{ iso_weekday('windowed.local_sent_at') }} as local_weekday,
        rules.max_calls_per_7d,
        rules.max_contacts_per_7d,
        rules.earliest_local_hour,
        rules.latest_local_hour
    from windowed
    left join rules on rules.country = windowed.country

)

select
    with_rules.*,
    is_outbound = 1 and (
        local_send_hour < earliest_local_hour or local_send_hour >= latest_local_hour
    ) as is_out_of_hours,
    is_outbound_call = 1 and calls_prev_7d + 1 > max_calls_per_7d as is_call_over_cap,
    is_outbound_call = 1 and right_party_prev_7d > 0 as is_call_within_7d_after_rpc,
    is_outbound = 1 and max_contacts_per_7d is not null
        and outbound_prev_7d + 1 > max_contacts_per_7d as is_contact_over_cap
from with_rules
