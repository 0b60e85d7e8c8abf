/**
 * BERT ({@code BertModel}, Devlin et al. 2019): the bidirectional encoder behind sentence-embedding models such as
 * all-MiniLM-L6-v2 and behind text classifiers. Not a causal LM: it maps token ids, token types and an attention
 * mask to one hidden vector per token. Shape letters: B batch, T tokens, C hidden size, H attention heads, D head
 * dimension, F intermediate (feed-forward) width, V vocabulary, P positions.
 */
package dev.forja.model.bert;
