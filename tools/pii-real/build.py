"""build.py OUT.jsonl IDPREFIX POOL.json... < labels
labels: one line per record:  KEY | P:Name ; E:mail ; PH:+34 ... | or KEY | -   (no PII)
A label's single spaces match any run of whitespace (line breaks included); each label takes the next occurrence
after the previous occurrence of the same label. Every occurrence of a labelled string must be labelled."""
import sys,json,re
T={'P':'PERSON','E':'EMAIL','PH':'PHONE','IP':'IPV4','UC':'URL_CREDENTIALS'}
out,prefix=sys.argv[1],sys.argv[2]
pool={}
for p in sys.argv[3:]:
    for o in json.load(open(p)): pool[o['key']]=o
def u16(s,i): return len(s[:i].encode('utf-16-le'))//2
recs=[];errs=0;n={}
for ln,line in enumerate(sys.stdin,1):
    line=line.rstrip('\n')
    if not line.strip() or line.startswith('//'): continue
    key,_,labs=line.partition('|')
    key,_,lang_override=key.strip().partition('@'); o=dict(pool[key]); text=o['text']
    if lang_override: o['lang']=lang_override
    # optional text trim: KEY@a-b keeps paragraphs a..b (0-based) of the record
    spans=[]; last={}
    labs=labs.strip()
    if labs!='-':
        for lab in [x.strip() for x in labs.split(';') if x.strip()]:
            t,_,s=lab.partition(':'); typ=T[t]
            pat=r'(?<![\w@.])'+r'\s+'.join(re.escape(w) for w in s.split(' '))+r'(?![\w@])'
            m=None
            for mm in re.compile(pat).finditer(text,last.get(lab,0)):
                if not any(mm.start()<b and a<mm.end() for _,a,b,_ in spans): m=mm; break
            if not m: print('line %d %s: not found: %r'%(ln,key,lab)); errs+=1; continue
            last[lab]=m.end()
            spans.append((typ,m.start(),m.end(),s))
        for typ,a,b,s in spans:
            pat=r'(?<![\w@.])'+r'\s+'.join(re.escape(w) for w in s.split(' '))+r'(?![\w@])'
            for m in re.finditer(pat,text):
                if not any(m.start()<x[2] and x[1]<m.end() for x in spans): print('line %d %s: unlabelled occurrence of %r at %d'%(ln,key,s,m.start())); errs+=1
        spans.sort(key=lambda x:x[1])
        for x,y in zip(spans,spans[1:]):
            if y[1]<x[2]: print('line %d %s: overlap %r %r'%(ln,key,x[3],y[3])); errs+=1
    lang=o['lang']; n[lang]=n.get(lang,0)+1
    recs.append({'id':'%s-%s-%04d'%(prefix,lang,n[lang]),'lang':lang,'source':o['source'],'licence':o['licence'],'text':text,
      'spans':[{'type':t,'start':u16(text,a),'end':u16(text,b)} for t,a,b,_ in spans],'_key':key})
if errs: sys.exit('%d errors'%errs)
with open(out,'w') as f:
    for r in recs:
        k=r.pop('_key'); f.write(json.dumps(r,ensure_ascii=False,separators=(',',':'))+'\n')
import collections
c=collections.Counter((r['lang'],s['type']) for r in recs for s in r['spans'])
print(len(recs),'records',dict(c), 'no-PII records:',sum(1 for r in recs if not r['spans']))
