# Usage: python3 extract-schemas.py SPEC_DIR zgw-schemas.json (run by hand when the specs change).
# Extracts the response schemas the collector reads from the ZGW OpenAPI specifications of
# Open Zaak 1.30 into a compact JSON file, so that the tests check the loopback server's answers
# against the standard without reading the specifications at test time.
import yaml, json
import sys
base=sys.argv[1].rstrip('/')+'/'  # the directory with the Open Zaak 1.30 openapi.yaml files
want={
 'zaken.yaml':['ExpandZaak','Status','Resultaat','natuurlijk_persoon_RolSerializer','medewerker_RolSerializer','ZaakEigenschap','ZaakInformatieObject','AuditTrail','Fout'],
 'documenten.yaml':['ExpandEnkelvoudigInformatieObject'],
 'besluiten.yaml':['Besluit'],
 'catalogi.yaml':['ZaakType','StatusType','InformatieObjectType','BesluitType','ResultaatType','RolType','Eigenschap'],
}
out={}
for f,names in want.items():
    spec=yaml.safe_load(open(base+f))
    sch=spec['components']['schemas']
    def resolve(s):
        while '$ref' in s: s=sch[s['$ref'].split('/')[-1]]
        return s
    def typ(v):
        v=dict(v)
        nullable=bool(v.get('nullable'))
        if '$ref' in v:
            r=resolve(v)
            if 'enum' in r: return {'type':'string','enum':r['enum'],'nullable':nullable or None in r['enum']}
            t=r.get('type','object')
            return {'type':t,'nullable':nullable}
        for key in ('allOf','oneOf','anyOf'):
            if key in v:
                enums=[];types=set()
                for x in v[key]:
                    r=resolve(x)
                    if 'enum' in r:
                        enums+= [e for e in r['enum']]; types.add('string')
                    else: types.add(r.get('type','object'))
                res={'type':types.pop() if len(types)==1 else 'any','nullable':nullable}
                if enums and res['type']=='string':
                    res['enum']=[e for e in enums if e is not None]
                    if None in enums or '' in enums: res['nullable']=res['nullable'] or None in enums
                return res
        res={'type':v.get('type','any'),'nullable':nullable}
        if 'enum' in v: res['enum']=[e for e in v['enum'] if e is not None]
        if 'format' in v: res['format']=v['format']
        if v.get('type')=='array' and 'items' in v:
            it=typ(v['items']); res['items']=it['type']
        return res
    def collect(s,props,req):
        s=resolve(s) if '$ref' in s else s
        for a in s.get('allOf',[]): collect(a,props,req)
        for k,v in s.get('properties',{}).items(): props[k]=typ(v)
        req.extend(s.get('required',[]))
    for n in names:
        props={};req=[]
        collect(sch[n],props,req)
        out[n]={'source':f,'required':sorted(set(req)),'properties':props}
json.dump(out,open(sys.argv[2],'w'),indent=1,sort_keys=True,ensure_ascii=False)
for n,s in out.items(): print(n, len(s['properties']), s['required'])
