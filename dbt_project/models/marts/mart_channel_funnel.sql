with contacts as (

    select * from {{ ref('fct_contacts') }}

)

select
    {{ month_start('sent_date') }} as sent_month,
    cast(merchant_id as varchar) as merchant_id,
    cast(country as varchar) as country,
    cast(plan_type as varchar) as plan_type,
    cast(channel as varchar) as channel,
    cast(direction as varchar) as direction,
    cast(stage as varchar) as stage,
    cast(coalesce(template_id, 'none') as varchar) as template_id,
    cast(local_send_hour as integer) as local_send_hour,
    cast(local_weekday as integer) as local_weekday,
    cast(count(*) as bigint) as contacts_sent,
    cast(sum({{ flag('is_delivered') }}) as bigint) as delivered,
    cast(sum({{ flag('is_opened') }}) as bigint) as opened,
    cast(sum({{ flag('is_clicked') }}) as bigint) as clicked,
    cast(sum({{ flag('is_replied') }}) as bigint) as replied,
    cast(sum({{ flag('is_right_party') }}) as bigint) as right_party,
    cast(sum({{ flag('promise_within_n_days') }}) as bigint) as promised,
    cast(sum({{ flag('paid_within_n_days') }}) as bigint) as paid,
    {{ stable_amount(exact_sum('paid_amount_within_n_days')) }} as paid_amount,
    {{ stable_amount(exact_sum('cost')) }} as cost
from contacts
group by
    {{ month_start('sent_date') }}, merchant_id, country, plan_type, channel, direction, stage,
    coalesce(template_id, 'none'), local_send_hour, local_weekday
