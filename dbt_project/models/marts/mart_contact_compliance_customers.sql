{%- set outbound_call_flag = flag(is_outbound_call()) %}

with contacts as (

    select * from {{ ref('fct_contacts') }}

),

rules as (

    select country, max_calls_per_7d from {{ ref('int_country_contact_rules') }}

),

breach_days as (

    -- the few customer-days with a breach: only their contacts are aggregated
    select distinct customer_id, sent_date
    from contacts
    where is_call_over_cap or is_call_within_7d_after_rpc or is_out_of_hours

),

customer_days as (

    select
        customer_id,
        sent_date,
        country,
        count(*) as contacts,
        sum({{ outbound_call_flag }}) as calls,
        max(contacts_prev_7d + 1) as max_contacts_rolling_7d,
        max(calls_prev_7d + {{ outbound_call_flag }}) as max_calls_rolling_7d,
        sum({{ flag('is_call_over_cap') }}) as calls_over_cap,
        sum({{ flag('is_call_within_7d_after_rpc') }}) as calls_within_7d_after_rpc,
        sum({{ flag('is_out_of_hours') }}) as out_of_hours_contacts,
        {{ dbt.listagg('distinct team_type', "', '", "order by team_type") }} as team_types
    from contacts
    where exists (
        select 1 from breach_days
        where breach_days.customer_id = contacts.customer_id
            and breach_days.sent_date = contacts.sent_date
    )
    group by customer_id, sent_date, country

)

select
    cast(customer_days.customer_id as varchar) as customer_id,
    cast(customer_days.sent_date as date) as contact_date,
    cast(customer_days.country as varchar) as country,
    cast(customer_days.contacts as bigint) as contacts,
    cast(customer_days.calls as bigint) as calls,
    cast(customer_days.max_contacts_rolling_7d as integer) as max_contacts_rolling_7d,
    cast(customer_days.max_calls_rolling_7d as integer) as max_calls_rolling_7d,
    cast(rules.max_calls_per_7d as integer) as max_calls_per_7d,
    cast(customer_days.calls_over_cap as bigint) as calls_over_cap,
    cast(customer_days.calls_within_7d_after_rpc as bigint) as calls_within_7d_after_rpc,
    cast(customer_days.out_of_hours_contacts as bigint) as out_of_hours_contacts,
    cast(customer_days.team_types as varchar) as team_types
from customer_days
left join rules on rules.country = customer_days.country
where customer_days.calls_over_cap > 0
    or customer_days.calls_within_7d_after_rpc > 0
    or customer_days.out_of_hours_contacts > 0
