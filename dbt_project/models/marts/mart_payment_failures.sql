with first_attempts as (

    select * from {{ ref('fct_installments') }}
    where first_attempt_status is not null

)

select
    due_month,
    due_day_of_month,
    cast(merchant_id as varchar) as merchant_id,
    cast(country as varchar) as country,
    cast(plan_type as varchar) as plan_type,
    cast(payment_method as varchar) as payment_method,
    cast(count(*) as bigint) as first_attempts,
    cast(sum({{ flag("first_attempt_status = 'failed'") }}) as bigint) as failed_first_attempts,
    {{ stable_amount(exact_sum('amount')) }} as first_attempt_amount,
    {{ stable_amount(exact_sum("case when first_attempt_status = 'failed' then amount else 0 end")) }}
        as failed_first_attempt_amount,
    {%- for reason in failure_reasons() %}
    cast(sum({{ flag("first_attempt_status = 'failed' and first_attempt_failure_reason = '" ~ reason ~ "'") }}) as bigint)
        as failed_{{ reason }}{{ ',' if not loop.last }}
    {%- endfor %}
from first_attempts
group by due_month, due_day_of_month, merchant_id, country, plan_type, payment_method
