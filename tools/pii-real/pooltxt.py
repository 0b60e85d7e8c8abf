"""Candidate records from a plain-text file of a package (changelog, AUTHORS, THANKS): one per changelog entry
(mode changelog), paragraph (para) or run of N lines (lines:N), at most MAXLINES lines each, the first MAXN, only
those matching the optional regex.

pooltxt.py NAME PREFIX START package lang /path/in/package MODE MAXLINES MAXN [REGEX]"""
import sys,json,re,gzip,os
from pkgs import VER,LIC
name,prefix,start,pkg,lang,path,mode,maxlines,maxn=sys.argv[1:10]
start=int(start);maxlines=int(maxlines);maxn=int(maxn)
flt=re.compile(sys.argv[10]) if len(sys.argv)>10 else None
f='x-%s%s'%(pkg,path)
raw=(gzip.open(f) if f.endswith('.gz') else open(f,'rb')).read().decode('utf-8','replace')
lines=raw.split('\n')
blocks=[]
if mode=='changelog':
    cur=[]
    for l in lines:
        if re.match(r'^\S.*; urgency=',l) and cur: blocks.append(cur); cur=[]
        cur.append(l)
    blocks.append(cur)
elif mode=='para':
    cur=[]
    for l in lines+['']:
        if l.strip()=='':
            if cur: blocks.append(cur); cur=[]
        else: cur.append(l)
else:
    n=int(mode.split(':')[1])
    blocks=[lines[i:i+n] for i in range(0,len(lines),n)]
out=[]
for b in blocks:
    while b and not b[-1].strip(): b=b[:-1]
    t='\n'.join(x.rstrip() for x in b)
    if not t.strip() or len(b)>maxlines: continue
    if flt and not flt.search(t): continue
    out.append({'key':'%s%d'%(prefix,start+len(out)),'lang':lang,'source':'%s %s: %s'%(pkg,VER[pkg],path),'licence':LIC[pkg],'sec':mode,'text':t})
    if len(out)>=maxn: break
json.dump(out,open(name+'.json','w'),ensure_ascii=False,indent=0)
for o in out: print('%s [%s]\n%s'%(o['key'],o['source'],o['text']))
