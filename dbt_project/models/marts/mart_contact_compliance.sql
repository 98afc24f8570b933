with contacts as (

    select * from {{ ref('int_contacts_enriched') }}

)

select
    cast(sent_date as date) as contact_date,
    cast(country as varchar) as country,
    cast(channel as varchar) as channel,
    cast(coalesce(team_type, 'unknown') as varchar) as team_type,
    cast(count(*) as bigint) as contacts,
    cast(sum(is_outbound) as bigint) as outbound_contacts,
    cast(sum(is_outbound_call) as bigint) as calls,
    cast(sum({{ flag('is_out_of_hours') }}) as bigint) as out_of_hours_contacts,
    cast(sum({{ flag('is_call_over_cap') }}) as bigint) as calls_over_cap,
    cast(sum({{ flag('is_call_within_7d_after_rpc') }}) as bigint) as calls_within_7d_after_rpc,
    cast(sum({{ flag('is_contact_over_cap') }}) as bigint) as contacts_over_contact_cap,
    cast(max_calls_per_7d as integer) as max_calls_per_7d,
    cast(earliest_local_hour as integer) as earliest_local_hour,
    cast(latest_local_hour as integer) as latest_local_hour
from contacts
group by sent_date, country, channel, coalesce(team_type, 'unknown'), max_calls_per_7d,
    earliest_local_hour, latest_local_hour
