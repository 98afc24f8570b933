with contacts as (

    select * from {{ ref('fct_contacts') }}

)

select
    {{ month_start('sent_date') }} as sent_month,
    cast(agent_id as varchar) as agent_id,
    cast(team_id as varchar) as team_id,
    cast(team_type as varchar) as team_type,
    cast(merchant_id as varchar) as merchant_id,
    cast(country as varchar) as country,
    cast(plan_type as varchar) as plan_type,
    cast(count(*) as bigint) as contacts,
    cast(count(*) filter (where channel = 'call') as bigint) as calls,
    cast(sum({{ flag('is_right_party') }}) as bigint) as right_party_contacts,
    cast(sum({{ flag('promise_within_n_days') }}) as bigint) as promised,
    cast(sum({{ flag('paid_within_n_days') }}) as bigint) as paid,
    {{ stable_amount(exact_sum('paid_amount_within_n_days')) }} as paid_amount,
    {{ stable_amount(exact_sum('cost')) }} as cost
from contacts
where agent_id is not null
group by
    {{ month_start('sent_date') }}, agent_id, team_id, team_type, merchant_id, country, plan_type
