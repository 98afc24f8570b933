with attempts as (

    select * from {{ ref('int_payment_attempts_enriched') }}

)

select
    cast(attempt_id as varchar) as attempt_id,
    cast(installment_id as varchar) as installment_id,
    cast(plan_id as varchar) as plan_id,
    cast(customer_id as varchar) as customer_id,
    cast(merchant_id as varchar) as merchant_id,
    cast(country as varchar) as country,
    cast(plan_type as varchar) as plan_type,
    cast(payment_method as varchar) as payment_method,
    cast(attempted_at as timestamp) as attempted_at,
    cast(attempted_date as date) as attempted_date,
    cast(kind as varchar) as kind,
    cast(status as varchar) as status,
    cast(failure_reason as varchar) as failure_reason,
    {{ stable_amount('amount') }} as amount,
    {{ stable_amount('amount_local') }} as amount_local,
    {{ stable_amount('received_amount') }} as received_amount,
    cast(is_first_scheduled_attempt as boolean) as is_first_scheduled_attempt,
    cast(due_date as date) as due_date,
    cast(days_from_due as integer) as days_from_due
from attempts
