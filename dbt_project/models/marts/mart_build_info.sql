select
    cast(as_of.as_of_date as date) as as_of_date,
    cast('{{ reporting_currency() }}' as varchar) as reporting_currency,
    cast({{ attribution_window_days() }} as integer) as attribution_window_days,
    cast((select min(cast(purchased_at as date)) from {{ ref('stg_plans') }}) as date)
        as data_start_date
from {{ ref('int_as_of_date') }} as as_of
