"""Candidate records from rendered man pages: the paragraphs (mode para) or whole text (mode whole) of the named
sections, deduplicated (EXACT=1: exact text; otherwise with whitespace collapsed).

pool.py NAME PREFIX SPEC...   SPEC = package:lang:man_subdir:SECTION,SECTION:para|whole (man_subdir C = English)
writes NAME.json (records keyed PREFIX0, PREFIX1, ...) and prints them for reading."""
import sys,os,re,json,subprocess
from pkgs import VER,LIC
HEAD=re.compile(r'^[A-ZÁÉÍÓÚÇÃÊÔ][A-ZÁÉÍÓÚÇÃÊÔ /]+$')
def render(path):
    env=dict(os.environ,MANWIDTH='78')
    r=subprocess.run(['man','-E','UTF-8','-l',path],capture_output=True,env=env)
    r2=subprocess.run(['col','-bx'],input=r.stdout,capture_output=True)
    return r2.stdout.decode('utf-8','replace')
def sections(txt):
    cur=None;buf=[];S=[]
    for l in txt.split('\n'):
        if HEAD.match(l.strip()) and not l.startswith(' '):
            if cur: S.append((cur,buf))
            cur=l.strip();buf=[]
        elif cur: buf.append(l)
    if cur: S.append((cur,buf))
    return S
def paras(b):
    out=[];p=[]
    for l in b+['']:
        if l.strip()=='':
            if p: out.append(p);p=[]
        else: p.append(l)
    res=[]
    for p in out:
        ind=min(len(x)-len(x.lstrip()) for x in p)
        t='\n'.join(x[ind:].rstrip() for x in p)
        if len(p)==1 and (re.search(r'\S\s{6,}\S',t) or re.match(r'^[\w:.\-]+\(\d\w*\)$',t)): continue
        res.append(t)
    return res
name,prefix=sys.argv[1],sys.argv[2]
out=[];seen=set()
for spec in sys.argv[3:]:
    pkg,lang,ml,secs,mode=spec.split(':')
    want=set(secs.split(','))
    root='x-%s/usr/share/man/%s'%(pkg,ml) if ml!='C' else 'x-%s/usr/share/man'%pkg
    files=[]
    for dp,dn,fn in os.walk(root):
        if ml=='C' and os.path.dirname(dp)!=root: continue
        files+= [os.path.join(dp,f) for f in fn if f.endswith('.gz')]
    for f in sorted(files):
        S=sections(render(f))
        for sec,b in S:
            if sec not in want: continue
            ps=paras(b)
            if mode=='whole': ps=['\n\n'.join(ps)] if ps else []
            for t in ps:
                k=t if os.environ.get("EXACT") else re.sub(r"\s+"," ",t)
                if k in seen or len(k)<8: continue
                seen.add(k)
                out.append({'key':'%s%d'%(prefix,len(out)),'lang':lang,'source':'%s %s: %s'%(pkg,VER[pkg],f.split('/',1)[1].replace('usr/','/usr/',1)),
                            'licence':LIC[pkg],'sec':sec,'text':t})
json.dump(out,open(name+'.json','w'),ensure_ascii=False,indent=0)
for o in out: print('%s [%s %s]\n%s'%(o['key'],o['source'].split('/')[-1],o['sec'],o['text']))
