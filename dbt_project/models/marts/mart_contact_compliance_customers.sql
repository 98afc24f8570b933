with contacts as (

    select * from {{ ref('int_contacts_enriched') }}

),

breach_days as (

    -- the few customer-days with a breach: only their contacts are aggregated
    select distinct customer_id, sent_date
    from {{ ref('int_contacts_enriched') }}
    where is_call_over_cap or is_call_within_7d_after_rpc or is_out_of_hours

),

customer_days as (

    select
        customer_id,
        sent_date,
        country,
        max_calls_per_7d,
        count(*) as contacts,
        sum(is_outbound_call) as calls,
        max(contacts_prev_7d + 1) as max_contacts_rolling_7d,
        max(calls_prev_7d + is_outbound_call) as max_calls_rolling_7d,
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
    group by customer_id, sent_date, country, max_calls_per_7d

)

select
    cast(customer_id as varchar) as customer_id,
    cast(sent_date as date) as contact_date,
    cast(country as varchar) as country,
    cast(contacts as bigint) as contacts,
    cast(calls as bigint) as calls,
    cast(max_contacts_rolling_7d as integer) as max_contacts_rolling_7d,
    cast(max_calls_rolling_7d as integer) as max_calls_rolling_7d,
    cast(max_calls_per_7d as integer) as max_calls_per_7d,
    cast(calls_over_cap as bigint) as calls_over_cap,
    cast(calls_within_7d_after_rpc as bigint) as calls_within_7d_after_rpc,
    cast(out_of_hours_contacts as bigint) as out_of_hours_contacts,
    cast(team_types as varchar) as team_types
from customer_days
where calls_over_cap > 0 or calls_within_7d_after_rpc > 0 or out_of_hours_contacts > 0
