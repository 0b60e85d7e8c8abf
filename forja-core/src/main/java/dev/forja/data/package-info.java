/** Training data: JSONL and text readers, chat templates, tokenisation with loss masks, splits and batching. */
package dev.forja.data;
