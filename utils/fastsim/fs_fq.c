/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * FQ-CoDel (fs_fq.h). Written from RFC 8290 (FQ-CoDel: sections 4.1.1 to
 * 4.1.3, enqueue, the scheduler's new and old lists, the overlimit drop
 * from the fattest queue) and RFC 8289 (CoDel: section 5's pseudocode,
 * the control law interval / sqrt(count), the count kept from the last
 * dropping state when it ended less than 16 intervals ago). As in ns-3's
 * FqCoDelQueueDisc, each flow's CoDel counts its own queue's bytes against
 * MinBytes, and a flow that empties leaves the new list for the old one
 * only when the old list is not empty.
 *
 * Packets sit in an item pool that grows by doubling (never per packet);
 * each flow queue is a linked list of items.
 */
#include "fs_fq.h"

#include <math.h>
#include <stdlib.h>

#define FQ_NONE UINT32_MAX

enum { LIST_NONE = 0, LIST_NEW = 1, LIST_OLD = 2 };

typedef struct fq_item {
  void *pkt;
  uint64_t t_enq;
  uint32_t bytes;
  uint32_t next;
} fq_item;

typedef struct fq_flow {
  uint32_t head, tail; /* items */
  uint32_t n;
  uint64_t bytes;
  int64_t deficit;
  uint32_t next; /* in its list */
  int list;
  /* CoDel (RFC 8289 section 5) */
  uint64_t first_above_time; /* 0: below target */
  uint64_t drop_next;
  uint32_t count, lastcount;
  int dropping;
} fq_flow;

typedef struct fq_list {
  uint32_t head, tail;
} fq_list;

struct fs_fq {
  fs_fq_config c;
  fs_fq_drop_fn drop;
  void *user;
  fq_item *items;
  uint32_t n_items, cap_items, free_item;
  fq_flow *flows;
  fq_list lnew, lold;
  uint32_t packets;
};

void fs_fq_config_default(fs_fq_config *c) {
  c->flows = 1024;
  c->limit = 10240;
  c->quantum = 1500;
  c->drop_batch = 64;
  c->target_ns = 5000000;
  c->interval_ns = 100000000;
  c->min_bytes = 1500;
}

fs_fq *fs_fq_new(const fs_fq_config *c, fs_fq_drop_fn drop, void *user) {
  if (!c || !c->flows || !c->limit || !c->quantum || !c->drop_batch || !c->interval_ns)
    return NULL;
  fs_fq *q = calloc(1, sizeof(*q));
  if (!q)
    return NULL;
  q->c = *c;
  q->drop = drop;
  q->user = user;
  q->flows = calloc(c->flows, sizeof(fq_flow));
  if (!q->flows) {
    free(q);
    return NULL;
  }
  for (uint32_t i = 0; i < c->flows; i++) {
    q->flows[i].head = q->flows[i].tail = q->flows[i].next = FQ_NONE;
  }
  q->lnew.head = q->lnew.tail = q->lold.head = q->lold.tail = FQ_NONE;
  q->free_item = FQ_NONE;
  return q;
}

void fs_fq_del(fs_fq *q) {
  if (!q)
    return;
  free(q->items);
  free(q->flows);
  free(q);
}

uint32_t fs_fq_packets(const fs_fq *q) { return q ? q->packets : 0; }

static void list_push(fs_fq *q, fq_list *l, uint32_t f, int which) {
  q->flows[f].next = FQ_NONE;
  q->flows[f].list = which;
  if (l->tail == FQ_NONE)
    l->head = f;
  else
    q->flows[l->tail].next = f;
  l->tail = f;
}

static uint32_t list_pop(fs_fq *q, fq_list *l) {
  uint32_t f = l->head;
  l->head = q->flows[f].next;
  if (l->head == FQ_NONE)
    l->tail = FQ_NONE;
  q->flows[f].next = FQ_NONE;
  q->flows[f].list = LIST_NONE;
  return f;
}

/* The head item of flow f out of its queue (the caller frees it). */
static uint32_t flow_pop(fs_fq *q, uint32_t f) {
  fq_flow *fl = &q->flows[f];
  uint32_t i = fl->head;
  if (i == FQ_NONE)
    return FQ_NONE;
  fl->head = q->items[i].next;
  if (fl->head == FQ_NONE)
    fl->tail = FQ_NONE;
  fl->n--;
  fl->bytes -= q->items[i].bytes;
  q->packets--;
  return i;
}

static void item_free(fs_fq *q, uint32_t i) {
  q->items[i].pkt = NULL;
  q->items[i].next = q->free_item;
  q->free_item = i;
}

/* The overlimit drop: from the head of the queue with the most bytes,
 * until half its bytes or drop_batch packets are gone. */
static void drop_fattest(fs_fq *q) {
  uint32_t fat = 0;
  for (uint32_t f = 1; f < q->c.flows; f++)
    if (q->flows[f].bytes > q->flows[fat].bytes)
      fat = f;
  uint64_t threshold = q->flows[fat].bytes >> 1, len = 0;
  uint32_t count = 0;
  do {
    uint32_t i = flow_pop(q, fat);
    if (i == FQ_NONE)
      break;
    len += q->items[i].bytes;
    void *pkt = q->items[i].pkt;
    item_free(q, i);
    if (q->drop)
      q->drop(q->user, pkt, 0);
  } while (++count < q->c.drop_batch && len < threshold);
}

int fs_fq_enqueue(fs_fq *q, void *pkt, uint32_t bytes, uint32_t hash, uint64_t now) {
  uint32_t i = q->free_item;
  if (i != FQ_NONE) {
    q->free_item = q->items[i].next;
  } else {
    if (q->n_items == q->cap_items) {
      uint32_t ncap = q->cap_items ? 2 * q->cap_items : 64;
      fq_item *n = realloc(q->items, (size_t)ncap * sizeof(*n));
      if (!n)
        return -1;
      q->items = n;
      q->cap_items = ncap;
    }
    i = q->n_items++;
  }
  uint32_t f = hash % q->c.flows;
  fq_flow *fl = &q->flows[f];
  q->items[i].pkt = pkt;
  q->items[i].t_enq = now;
  q->items[i].bytes = bytes;
  q->items[i].next = FQ_NONE;
  if (fl->tail == FQ_NONE)
    fl->head = i;
  else
    q->items[fl->tail].next = i;
  fl->tail = i;
  fl->n++;
  fl->bytes += bytes;
  q->packets++;
  if (fl->list == LIST_NONE) {
    list_push(q, &q->lnew, f, LIST_NEW);
    fl->deficit = q->c.quantum;
  }
  if (q->packets > q->c.limit)
    drop_fattest(q);
  return 0;
}

/* RFC 8289's dodequeue: the head item of flow f, and whether its sojourn
 * has stayed above target for an interval. */
static uint32_t codel_dodequeue(fs_fq *q, uint32_t f, uint64_t now, int *ok_to_drop) {
  fq_flow *fl = &q->flows[f];
  *ok_to_drop = 0;
  uint32_t i = flow_pop(q, f);
  if (i == FQ_NONE) {
    fl->first_above_time = 0;
    return i;
  }
  uint64_t sojourn = now - q->items[i].t_enq;
  if (sojourn < q->c.target_ns || fl->bytes < q->c.min_bytes) {
    fl->first_above_time = 0;
  } else if (fl->first_above_time == 0) {
    fl->first_above_time = now + q->c.interval_ns;
  } else if (now >= fl->first_above_time) {
    *ok_to_drop = 1;
  }
  return i;
}

static uint64_t control_law(const fs_fq *q, uint64_t t, uint32_t count) {
  return t + (uint64_t)((double)q->c.interval_ns / sqrt((double)count));
}

static void codel_drop(fs_fq *q, uint32_t i) {
  void *pkt = q->items[i].pkt;
  item_free(q, i);
  if (q->drop)
    q->drop(q->user, pkt, 1);
}

/* RFC 8289's dequeue on flow f: FQ_NONE when the flow has nothing left. */
static uint32_t codel_dequeue(fs_fq *q, uint32_t f, uint64_t now) {
  fq_flow *fl = &q->flows[f];
  int ok;
  uint32_t i = codel_dodequeue(q, f, now, &ok);
  if (i == FQ_NONE) {
    fl->dropping = 0;
    return i;
  }
  if (fl->dropping) {
    if (!ok) {
      fl->dropping = 0;
    }
    while (fl->dropping && now >= fl->drop_next) {
      codel_drop(q, i);
      fl->count++;
      i = codel_dodequeue(q, f, now, &ok);
      if (!ok)
        fl->dropping = 0;
      else
        fl->drop_next = control_law(q, fl->drop_next, fl->count);
    }
  } else if (ok) {
    codel_drop(q, i);
    i = codel_dodequeue(q, f, now, &ok);
    fl->dropping = 1;
    uint32_t delta = fl->count - fl->lastcount;
    fl->count = 1;
    if (delta > 1 && now - fl->drop_next < 16 * q->c.interval_ns)
      fl->count = delta;
    fl->drop_next = control_law(q, now, fl->count);
    fl->lastcount = fl->count;
  }
  return i;
}

void *fs_fq_dequeue(fs_fq *q, uint64_t now) {
  for (;;) {
    fq_list *l;
    if (q->lnew.head != FQ_NONE)
      l = &q->lnew;
    else if (q->lold.head != FQ_NONE)
      l = &q->lold;
    else
      return NULL;
    uint32_t f = l->head;
    fq_flow *fl = &q->flows[f];
    if (fl->deficit <= 0) {
      fl->deficit += q->c.quantum;
      list_pop(q, l);
      list_push(q, &q->lold, f, LIST_OLD);
      continue;
    }
    uint32_t i = codel_dequeue(q, f, now);
    if (i == FQ_NONE) {
      /* empty: from the new list to the old one (if that is not empty),
       * else out of the lists */
      list_pop(q, l);
      if (l == &q->lnew && q->lold.head != FQ_NONE)
        list_push(q, &q->lold, f, LIST_OLD);
      continue;
    }
    fl->deficit -= q->items[i].bytes;
    void *pkt = q->items[i].pkt;
    item_free(q, i);
    return pkt;
  }
}
