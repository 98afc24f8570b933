select
    cast(theme_id as varchar) as theme_id,
    cast(top_terms as varchar) as top_terms,
    cast(doc_count as bigint) as doc_count,
    cast(example_quote as varchar) as example_quote
from {{ ref('stg_themes') }}
