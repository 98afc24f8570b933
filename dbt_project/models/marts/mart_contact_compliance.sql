with contacts as (

    select * from {{ ref('fct_contacts') }}

),

rules as (

    select * from {{ ref('int_country_contact_rules') }}

),

daily as (

    select
        sent_date,
        country,
        channel,
        coalesce(team_type, 'unknown') as team_type,
        count(*) as contacts,
        sum({{ flag("direction = 'outbound'") }}) as outbound_contacts,
        sum({{ flag(is_outbound_call()) }}) as calls,
        sum({{ flag('is_out_of_hours') }}) as out_of_hours_contacts,
        sum({{ flag('is_call_over_cap') }}) as calls_over_cap,
        sum({{ flag('is_call_within_7d_after_rpc') }}) as calls_within_7d_after_rpc,
        sum({{ flag('is_contact_over_cap') }}) as contacts_over_contact_cap
    from contacts
    group by sent_date, country, channel, coalesce(team_type, 'unknown')

)

select
    cast(daily.sent_date as date) as contact_date,
    cast(daily.country as varchar) as country,
    cast(daily.channel as varchar) as channel,
    cast(daily.team_type as varchar) as team_type,
    cast(daily.contacts as bigint) as contacts,
    cast(daily.outbound_contacts as bigint) as outbound_contacts,
    cast(daily.calls as bigint) as calls,
    cast(daily.out_of_hours_contacts as bigint) as out_of_hours_contacts,
    cast(daily.calls_over_cap as bigint) as calls_over_cap,
    cast(daily.calls_within_7d_after_rpc as bigint) as calls_within_7d_after_rpc,
    cast(daily.contacts_over_contact_cap as bigint) as contacts_over_contact_cap,
    cast(rules.max_calls_per_7d as integer) as max_calls_per_7d,
    cast(rules.earliest_local_hour as integer) as earliest_local_hour,
    cast(rules.latest_local_hour as integer) as latest_local_hour
from daily
left join rules on rules.country = daily.country
